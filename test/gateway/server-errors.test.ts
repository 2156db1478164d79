/**
 * An 'error' of the gateway's HTTP server after it listens (a failed accept(), such as EMFILE when the process
 * runs out of file descriptors) is logged, and the server goes on: it keeps serving GraphQL, and the WebSockets
 * already open stay open. Before the fix the WebSocket server (`ws` in server mode) re-emitted every such error
 * on itself, where graphql-ws listens only once: the first error closed every WebSocket with 1011, the second
 * had no listener and ended the process.
 */
import { once } from 'node:events';
import { Writable, type Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createODataService, type ODataService } from '@odata-gateway/odata-service';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { serveGateway, type RunningServer } from '../../src/server.js';
import { testConfig } from '../support/config.js';

let upstream: ODataService | undefined;
let running: RunningServer | undefined;
let socket: WebSocket | undefined;
afterEach(async () => {
  socket?.terminate();
  socket = undefined;
  await running?.close(100);
  running = undefined;
  await upstream?.close();
  upstream = undefined;
});

async function start() {
  upstream = createODataService({ seed: true });
  const serviceRoot = await upstream.listen(0, '127.0.0.1');
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = testConfig({ port: 0, logLevel: 'warn' });
  running = await serveGateway(createGateway({ config, serviceRoot, log: createLogger(config.logLevel, sink) }), 0, '127.0.0.1');
  return { url: running.url, server: running.server, lines };
}

/** A graphql-ws connection, acknowledged; records how it closed. */
async function openWebSocket(url: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const closed: number[] = [];
  ws.on('close', (code) => closed.push(code));
  await once(ws, 'open');
  ws.send(JSON.stringify({ type: 'connection_init' }));
  const [ack] = (await once(ws, 'message')) as [Buffer];
  expect(JSON.parse(ack.toString())).toEqual({ type: 'connection_ack' });
  return { ws, closed };
}

describe('the HTTP server after it listens', () => {
  it('logs an error (a failed accept) and goes on serving, its WebSockets left open', async () => {
    const { url, server, lines } = await start();
    const open = await openWebSocket(url);
    socket = open.ws;
    const acceptFailed = () => Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', errno: -24, syscall: 'accept' });

    expect(() => server.emit('error', acceptFailed())).not.toThrow();
    expect(() => server.emit('error', acceptFailed())).not.toThrow();

    expect(lines.filter((line) => line.level === 50 && String(line.msg).includes('HTTP server'))).toHaveLength(2);
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") { status } }' }),
    });
    expect(await response.json()).toEqual({ data: { connectionOperation: { status: 'FAILED' } } });
    // The WebSocket is still open and still speaks graphql-ws.
    open.ws.send(JSON.stringify({ type: 'ping' }));
    const [pong] = (await once(open.ws, 'message')) as [Buffer];
    expect(JSON.parse(pong.toString())).toEqual({ type: 'pong' });
    expect(open.closed).toEqual([]);
  });

  it('drops an upgrade socket that fails before it reaches ws, and goes on (its WebSocket endpoint is made on the first upgrade)', async () => {
    const { url, server } = await start();
    // Between node:http's 'upgrade' and ws taking the socket (the endpoint is still being made), the socket has
    // no 'error' listener of node's: this one fails right then, as a reset connection would.
    let failed: Duplex | undefined;
    server.on('upgrade', (_request, upgraded: Duplex) => {
      if (failed !== undefined) return;
      failed = upgraded;
      upgraded.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    });
    const first = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const outcome = await new Promise<string>((resolve) => {
      first.once('open', () => resolve('open'));
      first.once('error', () => resolve('refused'));
      first.once('close', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
    expect(failed?.destroyed).toBe(true);
    // The process is still up, and the next WebSocket is served.
    const open = await openWebSocket(url);
    socket = open.ws;
  });
});

