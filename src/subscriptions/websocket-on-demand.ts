/**
 * The graphql-ws endpoint (websocket.ts) of an HTTP server, made on its first upgrade request: ws and graphql-ws
 * (about 4 MiB of resident memory) load only in a process that is asked for a WebSocket. Upgrades that come
 * while they load wait for them.
 */
import type { Server } from 'node:http';
import type { Gateway } from '../gateway.js';
import type { WebSocketEndpoint } from './websocket.js';

export interface WebSocketOnDemand {
  /** Closes the endpoint if it was made; upgrades after this are refused (503, or the socket closed if none was made). */
  close(): Promise<void>;
}

export function serveWebSocketOnDemand(server: Server, gateway: Gateway): WebSocketOnDemand {
  let endpoint: Promise<WebSocketEndpoint> | undefined;
  let closed = false;
  server.on('upgrade', (request, socket, head) => {
    // After close(), an endpoint that was made answers 503 itself (ws does); one never made is not made now.
    if (closed && endpoint === undefined) {
      socket.destroy();
      return;
    }
    // node:http leaves an upgraded socket without an 'error' listener, and ws adds its own only when handed the
    // socket: one that fails meanwhile would end the process.
    const dropOnError = () => socket.destroy();
    socket.on('error', dropOnError);
    endpoint ??= import('./websocket.js').then(({ serveWebSocket }) => serveWebSocket(gateway));
    endpoint.then(
      (ready) => {
        socket.off('error', dropOnError);
        if (socket.destroyed) return;
        ready.handleUpgrade(request, socket, head);
      },
      (error: unknown) => {
        gateway.log.error({ err: error }, 'the WebSocket endpoint could not be started');
        socket.destroy();
      },
    );
  });
  return {
    async close() {
      closed = true;
      await (await endpoint?.catch(() => undefined))?.close();
    },
  };
}
