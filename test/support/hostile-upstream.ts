/**
 * A hostile upstream for tests: a real node:http server on loopback whose every answer a test scripts by
 * hand. Besides plain JSON answers (wrong entities, lying `$batch` parts, links elsewhere) it can trickle a
 * body one byte at a time, hold a request without ever answering, reset its connection, or answer late, and
 * it tells how many of its answers are still open, so tests can see the gateway let go of them. The gateway
 * under test is the real one on loopback too, with its log captured.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { GatewayConfig } from '../../src/config.js';
import { testConfig } from './config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { serveGateway } from '../../src/server.js';

export interface HostileRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HostileAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before the status line. */
  delayMs?: number;
  /** Send the headers at once, then the body one byte every `trickleMs` (an idle timer never fires). */
  trickleMs?: number;
  /** Never answer; keep the socket open. */
  hold?: boolean;
  /** Never answer; reset the connection (a TCP RST, as a crashing upstream or a proxy dropping it). */
  reset?: boolean;
}

export type HostileScript = (request: HostileRequest) => HostileAnswer;

export interface HostileUpstream {
  /** `http://127.0.0.1:port/beta` */
  serviceRoot: string;
  requests: HostileRequest[];
  /** Answers begun and neither finished nor cut off by the gateway. */
  openAnswers(): number;
  /** Answers the gateway cut off (closed its socket) before they were complete. */
  abandonedAnswers(): number;
  close(): Promise<void>;
}

/** `port`: 0 (default) for a free one, or one a test reserved (an upstream that comes up late). */
export async function startHostileUpstream(script: HostileScript, port = 0): Promise<HostileUpstream> {
  const requests: HostileRequest[] = [];
  let open = 0;
  let abandoned = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const answer = (res: ServerResponse, reply: HostileAnswer) => {
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    if (reply.trickleMs === undefined) {
      res.end(text);
      return;
    }
    res.flushHeaders();
    let sent = 0;
    const step = () => {
      if (res.destroyed) return;
      if (sent >= text.length) {
        res.end();
        return;
      }
      res.write(text[sent++]);
      later(reply.trickleMs!, step);
    };
    step();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const reply = script(request);
      open++;
      let settled = false;
      const settle = (cutOff: boolean) => {
        if (settled) return;
        settled = true;
        open--;
        if (cutOff) abandoned++;
      };
      res.on('finish', () => settle(false));
      res.on('close', () => settle(!res.writableFinished));
      if (reply.hold) return;
      if (reply.reset) {
        req.socket.resetAndDestroy();
        return;
      }
      if (reply.delayMs !== undefined) later(reply.delayMs, () => !res.destroyed && answer(res, reply));
      else answer(res, reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    serviceRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}/beta`,
    requests,
    openAnswers: () => open,
    abandonedAnswers: () => abandoned,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface GatewayUnderTest {
  gateway: Gateway;
  /** `http://127.0.0.1:port` */
  url: string;
  /** Parsed log lines written so far (level warn and up unless `logLevel` is given). */
  logLines(): Array<Record<string, unknown>>;
  /** Bytes written to the log so far. */
  logBytes(): number;
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>, signal?: AbortSignal): Promise<{
    status: number;
    headers: Headers;
    data?: any;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  }>;
  close(): Promise<void>;
}

/** The real gateway over `serviceRoot`, on an ephemeral loopback port, logging into memory. */
export async function startGatewayOver(serviceRoot: string, config: Partial<GatewayConfig> = {}): Promise<GatewayUnderTest> {
  const lines: string[] = [];
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const settings = testConfig({ port: 0, logLevel: 'warn', retryMax: 0, ...config });
  const gateway = createGateway({ config: settings, serviceRoot, log: createLogger(settings.logLevel, sink) });
  const running = await serveGateway(gateway, 0, '127.0.0.1');
  return {
    gateway,
    url: running.url,
    logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logBytes: () => bytes,
    async gql(query, variables, headers = {}, signal) {
      const response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
        ...(signal ? { signal } : {}),
      });
      return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
    },
    close: () => running.close(500),
  };
}
