/**
 * What a gateway process leaves unloaded until it needs it (src/main.ts as a process, with every module it
 * loads written down by test/support/module-log.mjs):
 * - the embedded OData service (the @odata-gateway/odata-service package) only when UPSTREAM_URL is unset;
 * - the bundled GraphiQL (@graphql-yoga/render-graphiql, a 9 MB module) never, GraphiQL pages served included:
 *   the build renders the page, the gateway streams its file (src/plugins/use-graphiql.ts);
 * - the OpenTelemetry SDK, the OTLP exporter, @opentelemetry/core and the gateway's own tracing modules only when
 *   tracing is configured;
 * - ws, graphql-ws and the gateway's WebSocket endpoint only when a client asks for a WebSocket;
 * - undici's index (all of undici) never: the gateway loads its Pool alone (src/odata/undici-pool.ts);
 * - graphql-jit (and the 100 modules it pulls in) only when the first query comes (src/http/query-plans.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createODataService, type ODataService } from '@odata-gateway/odata-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const EMBEDDED_SERVICE = /\/packages\/odata-service\/(src|dist)\//;
const GRAPHIQL_BUNDLE = /\/@graphql-yoga\/render-graphiql\//;
const WEBSOCKET = /\/node_modules\/(ws|graphql-ws)\/|\/src\/subscriptions\/websocket\./;
const UNDICI_INDEX = /\/node_modules\/undici\/index\.js$/;
const GRAPHQL_JIT = /\/node_modules\/graphql-jit\//;
const TRACING = /\/@opentelemetry\/(core|sdk-trace-base|exporter-trace-otlp-http|resources)\/|\/src\/tracing\//;

let dir: string;
let upstream: ODataService;
let upstreamRoot: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lazy-modules-'));
  upstream = createODataService({ seed: true });
  upstreamRoot = await upstream.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts src/main.ts with the module log; resolves once it printed its URL. */
async function startGateway(name: string, env: Record<string, string>) {
  const moduleLog = join(dir, `${name}.txt`);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--import', './test/support/module-log.mjs', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', MODULE_LOG: moduleLog, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /GraphQL gateway at (http:\/\/\S+\/graphql)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    loaded: () => readFileSync(moduleLog, 'utf8').split('\n').filter(Boolean),
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    },
  };
}

async function query(url: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ connectionOperations(connectionId: "contosohr", first: 1) { nodes { operationId } } }' }),
  });
  return response.json();
}

describe('modules a gateway process loads only when used', () => {
  it('in front of an upstream: never the embedded service, never GraphiQL\'s bundle, even serving GraphiQL', async () => {
    const gateway = await startGateway('upstream', { UPSTREAM_URL: upstreamRoot });
    // graphql-jit comes with the first query that could be compiled, not before.
    expect(gateway.loaded().filter((url) => GRAPHQL_JIT.test(url))).toEqual([]);
    expect(await query(gateway.url)).toEqual({ data: { connectionOperations: { nodes: [{ operationId: 'hr-op-001' }] } } });

    const atStart = gateway.loaded();
    // The log is real: it holds the gateway's own modules.
    expect(atStart.some((url) => url.endsWith('/src/gateway.ts'))).toBe(true);
    expect(atStart.filter((url) => GRAPHIQL_BUNDLE.test(url))).toEqual([]);

    for (let visit = 0; visit < 2; visit++) {
      const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('YogaGraphiQL.renderYogaGraphiQL');
    }
    await gateway.stop();

    const atEnd = gateway.loaded();
    expect(atEnd.filter((url) => GRAPHIQL_BUNDLE.test(url))).toEqual([]);
    // The check sees the gateway's GraphiQL modules: the plugin serving the page is loaded.
    expect(atEnd.some((url) => url.endsWith('/src/plugins/use-graphiql.ts'))).toBe(true);
    expect(atEnd.filter((url) => EMBEDDED_SERVICE.test(url))).toEqual([]);
    expect(atEnd.filter((url) => TRACING.test(url))).toEqual([]);
    expect(atEnd.filter((url) => WEBSOCKET.test(url))).toEqual([]);
    expect(atEnd.filter((url) => UNDICI_INDEX.test(url))).toEqual([]);
    expect(atEnd.some((url) => GRAPHQL_JIT.test(url))).toBe(true);
    // (It would be seen: the gateway's own module that loads undici's Pool is.)
    expect(atEnd.some((url) => url.endsWith('/src/odata/undici-pool.ts'))).toBe(true);
    // The check sees packages at all (those imported as modules; prom-client's require of the tracing API is not seen).
    expect(atEnd.some((url) => /\/node_modules\/graphql-yoga\//.test(url))).toBe(true);
  });

  it('a WebSocket asked for: ws, graphql-ws and the endpoint, which the check above would see', async () => {
    const gateway = await startGateway('websocket', { UPSTREAM_URL: upstreamRoot });
    expect(gateway.loaded().filter((url) => WEBSOCKET.test(url))).toEqual([]);
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'connection_init' }));
    const [ack] = await once(socket, 'message');
    expect(JSON.parse(String(ack))).toEqual({ type: 'connection_ack' });
    socket.close();
    await gateway.stop();

    const loaded = gateway.loaded();
    expect(loaded.some((url) => url.endsWith('/src/subscriptions/websocket.ts'))).toBe(true);
    expect(loaded.some((url) => /\/node_modules\/ws\//.test(url))).toBe(true);
  });

  it('with tracing on: the tracing modules, which the check above would see', async () => {
    // A collector nobody listens on: spans are dropped, which is no matter here.
    const gateway = await startGateway('tracing', { UPSTREAM_URL: upstreamRoot, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(await query(gateway.url)).toEqual({ data: { connectionOperations: { nodes: [{ operationId: 'hr-op-001' }] } } });
    await gateway.stop();

    const loaded = gateway.loaded();
    expect(loaded.some((url) => url.endsWith('/src/tracing/gateway-tracing.ts'))).toBe(true);
    expect(loaded.some((url) => /\/@opentelemetry\/core\//.test(url))).toBe(true);
  });

  it('with UPSTREAM_URL unset: the embedded service, and no GraphiQL bundle', async () => {
    const gateway = await startGateway('embedded', {});
    expect(await query(gateway.url)).toEqual({ data: { connectionOperations: { nodes: [{ operationId: 'hr-op-001' }] } } });
    await gateway.stop();

    const loaded = gateway.loaded();
    expect(loaded.some((url) => EMBEDDED_SERVICE.test(url))).toBe(true);
    expect(loaded.filter((url) => GRAPHIQL_BUNDLE.test(url))).toEqual([]);
  });
});
