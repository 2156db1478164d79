/**
 * Serves a gateway over node:http (GraphQL over HTTP and SSE, and graphql-ws on the same endpoint) and shuts
 * it down gracefully: end the subscriptions (they would never finish by themselves), stop accepting, let
 * in-flight requests finish within a grace period, then drop what is left and close the upstream pool.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withAdmission } from './admission.js';
import { createRequestHandler, type RequestHandlerStats } from './http/request-handler.js';
import { withMetricsEndpoint } from './metrics/http.js';
import { withRequestRecords } from './telemetry/request-telemetry.js';
import type { Gateway } from './gateway.js';
import { serveWebSocketOnDemand } from './subscriptions/websocket-on-demand.js';

export interface RunningServer {
  server: Server;
  /** `http://host:port` */
  url: string;
  /** How many requests took the direct path, went to yoga, or were replayed through it (for tests). */
  handlerStats: RequestHandlerStats;
  close(graceMs?: number): Promise<void>;
}

const CLOSING = Symbol('shutting down');
type Closable = Server & { [CLOSING]?: boolean };

/** A response's 'finish' listener (one module function for every response: no closure per request). */
function closeIdleWhenClosing(this: ServerResponse): void {
  const server = (this.req.socket as { server?: Closable }).server;
  if (server?.[CLOSING] === true) setImmediate(() => server.closeIdleConnections());
}

export async function serveGateway(gateway: Gateway, port: number, host: string): Promise<RunningServer> {
  const deadlineMs = gateway.config.requestDeadlineMs;
  const graphql = createRequestHandler(gateway);
  const endpoint = gateway.yoga.graphqlEndpoint;
  const metrics = gateway.metrics;
  const telemetry = gateway.telemetry;
  const served = telemetry.enabled ? withRequestRecords(telemetry, endpoint, graphql) : graphql;
  const admitted = withAdmission(gateway.admission, endpoint, served, metrics && (() => metrics.admissionRefused()));
  const handler = metrics === undefined ? admitted : withMetricsEndpoint(metrics, gateway.config.metricsPath, admitted);
  const server = createServer(
    {
      // A client has the request deadline to send its whole request (headers within at most 10 s): one that
      // sends its body a byte at a time would otherwise hold an admission place for node's default 300 s.
      requestTimeout: deadlineMs,
      headersTimeout: Math.min(deadlineMs, 10_000),
      // How often those timeouts are checked (node's default is 30 s).
      connectionsCheckingInterval: Math.min(1000, deadlineMs),
    },
    handler,
  );
  // A socket with nothing moving either way for this long is closed: a client that stops reading its
  // response cannot keep its admission place either.
  server.setTimeout(deadlineMs + 10_000);
  // While shutting down, a keep-alive connection is closed as soon as its last response is sent.
  server.on('request', (_request, response) => response.on('finish', closeIdleWhenClosing));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, the server's own errors are failed accept() calls (EMFILE when the process is out of file
  // descriptors, say): the connection is lost, the server keeps listening. Without a listener, the first one
  // would end the process and every request in it.
  server.on('error', (error) => gateway.log.error({ err: error }, 'HTTP server error (it goes on serving)'));
  const webSocket = serveWebSocketOnDemand(server, gateway);
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    handlerStats: graphql.stats,
    async close(graceMs = 10_000) {
      (server as Closable)[CLOSING] = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Subscriptions end first, each with a typed error telling its client to subscribe again: their SSE
      // responses then finish like any other, and their pollers stop.
      gateway.subscriptions.close();
      // (After the transport has sent those last messages.)
      const socketsClosed = new Promise<void>((resolve) => setImmediate(resolve)).then(() => webSocket.close());
      server.closeIdleConnections();
      // Past the grace period, whatever is still in flight is cut off, upstream sockets included.
      const timer = setTimeout(() => {
        server.closeAllConnections();
        void gateway.destroy();
      }, graceMs);
      timer.unref();
      await Promise.all([closed, socketsClosed]);
      clearTimeout(timer);
      await gateway.close();
    },
  };
}
