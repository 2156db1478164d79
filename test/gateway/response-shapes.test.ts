import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../support/config.js';
import { createGateway } from '../../src/gateway.js';
import { encodeGlobalId } from '../../src/global-id.js';
import { createLogger } from '../../src/logger.js';
import { serveGateway, type RunningServer } from '../../src/server.js';
import { createODataService, type ODataService, type ServiceQuirks } from '@odata-gateway/odata-service';
import { serve, type Served } from '../federation/http.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const globalId = (connectionId: string, operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId, operationId });

describe('tolerated response shapes', () => {
  describe.each([
    ['bare entities (Graph)', {}],
    ['entities wrapped in {"value": …}', { wrapEntities: true }],
  ])('%s', (_name, quirks) => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ service: { quirks } });
    });
    afterAll(() => stack.close());
    beforeEach(() => {
      stack.upstream.reset();
      stack.upstream.store.putOperation('c1', { id: 'a', status: 'failed', error: { errorCode: 'E', message: 'm', details: [{ source: 's', message: 'd' }] } });
    });

    it('reads, creates and updates', async () => {
      const read = await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "a") { id operationId status error { errorCode details { source } } } }');
      expect(read.errors).toBeUndefined();
      expect(read.data!.connectionOperation).toEqual({ id: globalId('c1', 'a'), operationId: 'a', status: 'FAILED', error: { errorCode: 'E', details: [{ source: 's' }] } });
      const created = await stack.gql('mutation { createConnectionOperation(connectionId: "c1", input: { operationId: "b", status: COMPLETED }) { id operationId status } }');
      expect(created.data!.createConnectionOperation).toEqual({ id: globalId('c1', 'b'), operationId: 'b', status: 'COMPLETED' });
      const updated = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", operationId: "a", input: { status: COMPLETED, error: null }) { operationId status error { message } } }');
      expect(updated.data!.updateConnectionOperation).toEqual({ operationId: 'a', status: 'COMPLETED', error: null });
    });

    it('reads several by key in one $batch', async () => {
      stack.upstream.store.putOperation('c1', { id: 'c', status: 'completed' });
      const result = await stack.gql('{ a: connectionOperation(connectionId: "c1", operationId: "a") { operationId status } c: connectionOperation(connectionId: "c1", operationId: "c") { operationId status } }');
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ a: { operationId: 'a', status: 'FAILED' }, c: { operationId: 'c', status: 'COMPLETED' } });
      expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['POST /$batch']);
    });
  });

  describe('PATCH answered with 204 No Content', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ service: { quirks: { patchNoContent: true } } });
    });
    afterAll(() => stack.close());

    it('treats 204 as success and reads the entity back', async () => {
      stack.upstream.store.putOperation('c1', { id: 'a', status: 'inprogress' });
      const result = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", operationId: "a", input: { status: COMPLETED }) { id operationId status etag } }');
      expect(result.errors).toBeUndefined();
      expect(result.data!.updateConnectionOperation).toEqual({
        id: globalId('c1', 'a'),
        operationId: 'a',
        status: 'COMPLETED',
        etag: stack.upstream.store.getOperation('c1', 'a')!.etag,
      });
      expect(stack.httpRequests().map((r) => r.method)).toEqual(['PATCH', 'GET']);
    });
  });
});

/**
 * The embedded service always answers the entity it was asked for, and has no switch to do otherwise. To
 * provoke an answer under another key, these tests put a loopback HTTP proxy between the gateway and the
 * service that passes every request through unchanged and, in JSON answers, renames the entity key `from`
 * to `to` (also inside `$batch` parts and `{"value": …}` wrappers). The service still records what it
 * received, so the assertions on upstream requests hold as elsewhere.
 */
describe('an answer whose entity does not carry the requested key is UPSTREAM_ERROR for that read', () => {
  interface KeySwapStack {
    upstream: ODataService;
    gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: Record<string, any> | null; errors?: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }> }>;
    /** Rename the entity key `from` to `to` in every JSON answer from now on (undefined: pass through). */
    swap(rename: { from: string; to: string } | undefined): void;
    close(): Promise<void>;
  }

  function renameKey(value: unknown, from: string, to: string): unknown {
    if (Array.isArray(value)) return value.map((item) => renameKey(item, from, to));
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = name === 'id' && item === from ? to : renameKey(item, from, to);
    return out;
  }

  async function startKeySwapStack(quirks: ServiceQuirks = {}): Promise<KeySwapStack> {
    const upstream = createODataService({ quirks });
    const serviceRoot = new URL(await upstream.listen(0, '127.0.0.1'));
    let rename: { from: string; to: string } | undefined;
    const proxy: Served = await serve((req, res) => {
      const headers: IncomingHttpHeaders = { ...req.headers, host: serviceRoot.host };
      const forward = httpRequest({ host: serviceRoot.hostname, port: serviceRoot.port, method: req.method, path: req.url, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          const out: IncomingHttpHeaders = { ...answer.headers };
          delete out['transfer-encoding'];
          delete out['connection'];
          delete out['keep-alive'];
          if (rename !== undefined && /json/.test(answer.headers['content-type'] ?? '') && body.length > 0) {
            body = Buffer.from(JSON.stringify(renameKey(JSON.parse(body.toString('utf8')), rename.from, rename.to)), 'utf8');
          }
          out['content-length'] = String(body.length);
          res.writeHead(answer.statusCode ?? 502, out);
          res.end(body);
        });
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    const config = testConfig({ port: 0, logLevel: 'silent', retryBaseMs: 5 });
    const gateway = createGateway({ config, serviceRoot: `${proxy.url}${serviceRoot.pathname}`, log: createLogger('silent') });
    const running: RunningServer = await serveGateway(gateway, 0, '127.0.0.1');
    return {
      upstream,
      async gql(query, variables) {
        const response = await fetch(`${running.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as Awaited<ReturnType<KeySwapStack['gql']>>;
      },
      swap(next) {
        rename = next;
      },
      async close() {
        await running.close(1000);
        await proxy.close();
        await upstream.close();
      },
    };
  }

  /** What the upstream received: method and path below the service root, top-level requests and $batch parts. */
  function received(stack: KeySwapStack): string[] {
    return stack.upstream.requests.map((r) => `${r.batchPart ? 'part ' : ''}${r.method} ${r.path.replace(/^\/beta/, '')}`);
  }

  describe.each([
    ['bare entities', {}],
    ['entities wrapped in {"value": …}', { wrapEntities: true }],
  ] as const)('%s', (_name, quirks) => {
    let stack: KeySwapStack;
    beforeAll(async () => {
      stack = await startKeySwapStack(quirks);
    });
    afterAll(() => stack.close());
    beforeEach(() => {
      stack.upstream.reset();
      stack.swap(undefined);
      stack.upstream.store.putOperation('c1', { id: 'a', status: 'failed' });
      stack.upstream.store.putOperation('c1', { id: 'b', status: 'completed' });
    });

    it('passes answers through unchanged when nothing is renamed (the proxy is transparent)', async () => {
      const result = await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "a") { id operationId status } }');
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ connectionOperation: { id: globalId('c1', 'a'), operationId: 'a', status: 'FAILED' } });
    });

    it('a plain GET answered with another entity', async () => {
      stack.swap({ from: 'a', to: 'b' });
      const result = await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "a") { id operationId status } }');
      expect(result.data).toEqual({ connectionOperation: null });
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.path).toEqual(['connectionOperation']);
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
      // A malformed answer is not retried: one GET, for the key asked.
      expect(received(stack)).toEqual(['GET /connections/c1/operations/a']);
    });

    it('a $batch part answered with another entity fails only that read', async () => {
      stack.swap({ from: 'a', to: 'zzz' });
      const result = await stack.gql(`{
        a: connectionOperation(connectionId: "c1", operationId: "a") { operationId status }
        b: connectionOperation(connectionId: "c1", operationId: "b") { operationId status }
      }`);
      expect(result.data).toEqual({ a: null, b: { operationId: 'b', status: 'COMPLETED' } });
      expect(result.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['a'], 'UPSTREAM_ERROR']]);
      expect(received(stack).sort()).toEqual(['POST /$batch', 'part GET /connections/c1/operations/a', 'part GET /connections/c1/operations/b']);
    });

    it('nodes(ids:) whose $batch part carries another entity: that item is null with UPSTREAM_ERROR, the others keep their data', async () => {
      stack.swap({ from: 'b', to: 'a' });
      const result = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ConnectionOperation { operationId } } }', {
        ids: [globalId('c1', 'a'), globalId('c1', 'b')],
      });
      expect(result.data).toEqual({ nodes: [{ id: globalId('c1', 'a'), operationId: 'a' }, null] });
      expect(result.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['nodes', 1], 'UPSTREAM_ERROR']]);
      expect(received(stack).sort()).toEqual(['POST /$batch', 'part GET /connections/c1/operations/a', 'part GET /connections/c1/operations/b']);
    });

    it('a create answered with another entity', async () => {
      stack.swap({ from: 'n', to: 'm' });
      const result = await stack.gql('mutation { createConnectionOperation(connectionId: "c1", input: { operationId: "n", status: COMPLETED }) { id operationId } }');
      expect(result.data).toBeNull();
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(result.errors![0]!.extensions!.outcomeUnknown).toBeUndefined();
      expect(received(stack)).toEqual(['POST /connections/c1/operations']);
      expect(stack.upstream.store.getOperation('c1', 'n')).toBeDefined();
    });

    it('an added reference answered with another entity', async () => {
      stack.swap({ from: 'r', to: 'a' });
      const result = await stack.gql('mutation { addConnectionOperationReference(connectionId: "c1", input: { operationId: "r" }) { operationId } }');
      expect(result.data).toBeNull();
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(received(stack)).toEqual(['POST /connections/c1/operations/$ref']);
    });

    it('an update answered with another entity', async () => {
      stack.swap({ from: 'a', to: 'b' });
      const result = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", operationId: "a", input: { status: COMPLETED }) { operationId status } }');
      expect(result.data).toBeNull();
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(received(stack)).toEqual(['PATCH /connections/c1/operations/a']);
      expect(stack.upstream.store.getOperation('c1', 'b')!.status).toBe('completed');
    });
  });

  describe('PATCH answered with 204 No Content', () => {
    let stack: KeySwapStack;
    beforeAll(async () => {
      stack = await startKeySwapStack({ patchNoContent: true });
    });
    afterAll(() => stack.close());

    it('an update whose read-back answers another entity', async () => {
      stack.upstream.store.putOperation('c1', { id: 'a', status: 'inprogress' });
      stack.upstream.store.putOperation('c1', { id: 'b', status: 'failed' });
      stack.swap({ from: 'a', to: 'b' });
      const result = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", operationId: "a", input: { status: COMPLETED }) { operationId status } }');
      expect(result.data).toBeNull();
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(received(stack)).toEqual(['PATCH /connections/c1/operations/a', 'GET /connections/c1/operations/a']);
    });
  });
});
