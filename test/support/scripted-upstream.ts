/**
 * A scripted upstream for tests of a misbehaving OData service: a real node:http server on loopback whose
 * answers a test writes by hand (wrong entities, links elsewhere), with every request recorded. The gateway
 * under test is the real one, served over loopback too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultConfig, type GatewayConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { serveGateway } from '../../src/server.js';

export interface ScriptedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Script = (request: ScriptedRequest) => { status: number; body?: unknown; headers?: Record<string, string> };

export interface ScriptedStack {
  /** Service root of the scripted upstream (`http://127.0.0.1:port/beta`). */
  serviceRoot: string;
  requests: ScriptedRequest[];
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; data?: any; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> }>;
  close(): Promise<void>;
}

export async function startScriptedStack(script: Script, config: Partial<GatewayConfig> = {}): Promise<ScriptedStack> {
  const requests: ScriptedRequest[] = [];
  const upstream = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const answer = script(request);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const serviceRoot = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/beta`;
  const settings = defaultConfig({ port: 0, logLevel: 'silent', retryMax: 0, ...config });
  const gateway = createGateway({ config: settings, serviceRoot, log: createLogger(settings.logLevel) });
  const running = await serveGateway(gateway, 0, '127.0.0.1');
  return {
    serviceRoot,
    requests,
    async gql(query, variables, headers = {}) {
      const response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await running.close(500);
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    },
  };
}
