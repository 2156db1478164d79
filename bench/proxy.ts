/**
 * A minimal pass-through HTTP proxy with no GraphQL: for each incoming request, one undici request to the
 * same path on the upstream, answer piped back unchanged. It is the floor any Node gateway pays (one
 * inbound HTTP exchange, one outbound over a keep-alive pool), against which the gateway's own cost is read.
 */
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import { closeWithPool } from './loopback.js';

export interface ProxyOptions {
  /** `http://host:port` of the upstream. */
  upstreamOrigin: string;
  /** Keep-alive connections to the upstream; the bench uses the gateway's default (32) for fairness. */
  connections: number;
}

/** Only these response headers are passed on: enough for a JSON client, and no hop-by-hop headers. */
const PASSED_HEADERS = ['content-type', 'content-length'] as const;

export function createProxy(options: ProxyOptions): { server: http.Server; close(): Promise<void> } {
  const pool = new Pool(options.upstreamOrigin, { connections: options.connections, keepAliveTimeout: 30_000 });

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (hasBody && typeof req.headers['content-type'] === 'string') headers['content-type'] = req.headers['content-type'];
    pool
      .request({ path: req.url ?? '/', method, headers, body: hasBody ? req : null })
      .then(async (upstream) => {
        const out: Record<string, string> = {};
        for (const name of PASSED_HEADERS) {
          const value = upstream.headers[name];
          if (typeof value === 'string') out[name] = value;
        }
        res.writeHead(upstream.statusCode, out);
        await pipeline(upstream.body, res);
      })
      .catch(() => {
        // The floor measures the happy path; a failure only needs to be visible as a non-2xx.
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
  });

  return { server, close: () => closeWithPool(server, pool) };
}
