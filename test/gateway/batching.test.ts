import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

/** A query reading `keys` by aliases: `o0: connectionOperation(...) { operationId status }`. */
function aliasQuery(keys: Array<[string, string]>, fields = 'operationId status'): string {
  return `{ ${keys.map(([c, id], i) => `o${i}: connectionOperation(connectionId: ${JSON.stringify(c)}, operationId: ${JSON.stringify(id)}) { ${fields} }`).join('\n')} }`;
}

const globalId = (connectionId: string, operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId, operationId });

/** k reads over three connections, every fifth one a duplicate of an earlier read. */
function keysFor(k: number): Array<[string, string]> {
  const keys: Array<[string, string]> = [];
  for (let i = 0; i < k; i++) {
    const n = i % 5 === 4 ? i - 1 : i;
    keys.push([`c${n % 3}`, `op-${n}`]);
  }
  return keys;
}

function seed(stack: Stack, count: number): void {
  for (let n = 0; n < count; n++) stack.upstream.store.putOperation(`c${n % 3}`, { id: `op-${n}`, status: 'completed' });
}

describe('batched reads by key', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    seed(stack, 500);
  });

  it.each([1, 20, 21, 100, 500])('reads k = %i operations with ceil(distinct/20) $batch posts (a lone read as one GET)', async (k) => {
    const keys = keysFor(k);
    const distinct = new Set(keys.map((key) => key.join('/'))).size;
    const result = await stack.gql(aliasQuery(keys, 'id operationId status'));
    expect(result.errors).toBeUndefined();
    keys.forEach(([c, id], i) => expect(result.data![`o${i}`]).toEqual({ id: globalId(c, id), operationId: id, status: 'COMPLETED' }));

    const requests = stack.httpRequests();
    if (distinct === 1) {
      expect(requests).toHaveLength(1);
      expect(requests[0]!.method).toBe('GET');
      return;
    }
    expect(requests).toHaveLength(Math.ceil(distinct / 20));
    for (const request of requests) {
      expect(request.method).toBe('POST');
      expect(pathBelowRoot(stack, request)).toBe('/$batch');
      const body = request.body as { requests: Array<{ id: string; method: string; url: string }> };
      expect(body.requests.length).toBeLessThanOrEqual(20);
      for (const part of body.requests) {
        expect(part.method).toBe('GET');
        expect(part.url).toMatch(/^\/connections\/c[012]\/operations\/op-\d+\?\$select=id%2Cstatus$/);
      }
    }
    const parts = stack.batchParts();
    expect(parts).toHaveLength(distinct);
    expect(new Set(parts.map((p) => p.url)).size).toBe(distinct);
  });

  it('deduplicates identical reads and reads one entity once for the union of its selections', async () => {
    const result = await stack.gql(`{
      a: connectionOperation(connectionId: "c0", operationId: "op-0") { operationId }
      b: connectionOperation(connectionId: "c0", operationId: "op-0") { operationId }
      c: connectionOperation(connectionId: "c0", operationId: "op-0") { status }
      d: connectionOperation(connectionId: "c1", operationId: "op-1") { id }
    }`);
    expect(result.errors).toBeUndefined();
    // Each field still gets exactly what it selected.
    expect(result.data).toEqual({ a: { operationId: 'op-0' }, b: { operationId: 'op-0' }, c: { status: 'COMPLETED' }, d: { id: globalId('c1', 'op-1') } });
    expect(stack.httpRequests()).toHaveLength(1);
    const parts = stack.batchParts().map((p) => `${pathBelowRoot(stack, p)} ${p.query.$select}`).sort();
    expect(parts).toEqual(['/connections/c0/operations/op-0 id,status', '/connections/c1/operations/op-1 id']);
  });

  it('reads nodes(ids:) through the same loader: one $batch per 20 distinct ids, in order, null for unknown or malformed ids', async () => {
    const keys = keysFor(45);
    const ids = [...keys.map(([c, id]) => globalId(c, id)), globalId('c0', 'missing'), 'not-a-global-id', globalId('c0', 'op-0')];
    const distinct = new Set(keys.map((key) => key.join('/'))).size + 1; // + the missing one; the malformed one is never read
    const result = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on ConnectionOperation { operationId connectionId status } } }', { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes).toEqual([
      ...keys.map(([c, id]) => ({ __typename: 'ConnectionOperation', id: globalId(c, id), operationId: id, connectionId: c, status: 'COMPLETED' })),
      null,
      null,
      { __typename: 'ConnectionOperation', id: globalId('c0', 'op-0'), operationId: 'op-0', connectionId: 'c0', status: 'COMPLETED' },
    ]);
    const requests = stack.httpRequests();
    expect(requests.map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(Array(Math.ceil(distinct / 20)).fill('POST /$batch'));
    const parts = stack.batchParts();
    expect(parts).toHaveLength(distinct);
    for (const part of parts) expect(part.query).toEqual({ $select: 'id,status' });
  });

  it('reads node(id:) and connectionOperation of the same entity in one request with one upstream read', async () => {
    const result = await stack.gql(`query($id: ID!) {
      byId: node(id: $id) { id ... on ConnectionOperation { status } }
      byKey: connectionOperation(connectionId: "c1", operationId: "op-1") { id operationId }
    }`, { id: globalId('c1', 'op-1') });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      byId: { id: globalId('c1', 'op-1'), status: 'COMPLETED' },
      byKey: { id: globalId('c1', 'op-1'), operationId: 'op-1' },
    });
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(pathBelowRoot(stack, requests[0]!)).toBe('/connections/c1/operations/op-1');
    expect(requests[0]!.query).toEqual({ $select: 'id,status' });
  });

  it('answers each part on its own: 404 gives null, a failed part its typed error, the rest data', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 500 }, match: { path: '/connections/c1/operations/op-1', batchPart: true } });
    stack.upstream.faults.add({ fault: { type: 'status', status: 403 }, match: { path: '/connections/c2/operations/op-2', batchPart: true } });
    const result = await stack.gql(aliasQuery([['c0', 'op-0'], ['c1', 'op-1'], ['c2', 'op-2'], ['c0', 'missing'], ['c0', 'op-3']]));
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ o0: { operationId: 'op-0', status: 'COMPLETED' }, o1: null, o2: null, o3: null, o4: { operationId: 'op-3', status: 'COMPLETED' } });
    const byPath = Object.fromEntries(result.errors!.map((e) => [e.path![0], e.extensions]));
    expect(byPath).toEqual({
      o1: expect.objectContaining({ code: 'UPSTREAM_ERROR', upstreamStatus: 500 }),
      o2: expect.objectContaining({ code: 'FORBIDDEN', upstreamStatus: 403 }),
    });
    expect(stack.httpRequests()).toHaveLength(1);
  });

  it('retries only the throttled parts, after their Retry-After', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 1 }, match: { path: '/connections/c1/operations/op-1', batchPart: true } });
    stack.upstream.faults.add({ fault: { type: 'status', status: 503, retryAfter: 0 }, match: { path: '/connections/c2/operations/op-2', batchPart: true } });
    const started = Date.now();
    const result = await stack.gql(aliasQuery([['c0', 'op-0'], ['c1', 'op-1'], ['c2', 'op-2'], ['c0', 'op-3']]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data!)).toHaveLength(4);
    const batches = stack.httpRequests().map((r) => (r.body as { requests: Array<{ url: string }> }).requests.map((p) => p.url.split('?')[0]));
    expect(batches).toEqual([
      ['/connections/c0/operations/op-0', '/connections/c1/operations/op-1', '/connections/c2/operations/op-2', '/connections/c0/operations/op-3'],
      ['/connections/c1/operations/op-1', '/connections/c2/operations/op-2'],
    ]);
  });

  it('gives a part that stays throttled THROTTLED with retryAfter, and the others their data', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 0 }, times: 10, match: { path: '/connections/c1/operations/op-1', batchPart: true } });
    const result = await stack.gql(aliasQuery([['c0', 'op-0'], ['c1', 'op-1']]));
    expect(result.data).toEqual({ o0: { operationId: 'op-0', status: 'COMPLETED' }, o1: null });
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', upstreamStatus: 429, retryAfter: 0 });
    expect(stack.httpRequests()).toHaveLength(3);
  });
});

describe('configuration of batching', () => {
  it('honours BATCH_MAX', async () => {
    const stack = await startStack({ config: { batchMax: 5 } });
    seed(stack, 12);
    const keys = Array.from({ length: 12 }, (_, n): [string, string] => [`c${n % 3}`, `op-${n}`]);
    await stack.gql(aliasQuery(keys));
    expect(stack.httpRequests().map((r) => (r.body as { requests: unknown[] }).requests.length).sort()).toEqual([2, 5, 5]);
    await stack.close();
  });

  it('sends concurrent GETs with BATCH_MODE=off', async () => {
    const stack = await startStack({ config: { batchMode: 'off', getConcurrency: 4 } });
    seed(stack, 10);
    const result = await stack.gql(aliasQuery(Array.from({ length: 10 }, (_, n): [string, string] => [`c${n % 3}`, `op-${n}`])));
    expect(result.errors).toBeUndefined();
    expect(stack.httpRequests().map((r) => r.method)).toEqual(Array(10).fill('GET'));
    await stack.close();
  });

  it('detects an upstream without $batch once and falls back to GETs', async () => {
    const stack = await startStack({ service: { supportsBatch: false } });
    seed(stack, 6);
    const keys = Array.from({ length: 6 }, (_, n): [string, string] => [`c${n % 3}`, `op-${n}`]);
    const first = await stack.gql(aliasQuery(keys));
    expect(first.errors).toBeUndefined();
    expect(Object.keys(first.data!)).toHaveLength(6);
    expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r).split('/')[1]}`)).toEqual(['POST $batch', ...Array(6).fill('GET connections')]);
    stack.upstream.clearRequests();
    const second = await stack.gql(aliasQuery(keys));
    expect(second.errors).toBeUndefined();
    expect(stack.httpRequests().map((r) => r.method)).toEqual(Array(6).fill('GET'));
    await stack.close();
  });
});

describe('callers never share', () => {
  it('keeps two concurrent callers with different tokens apart (tenancy)', async () => {
    const stack = await startStack({ service: { tenancy: true } });
    for (const tenant of ['alice', 'bob']) {
      for (let n = 0; n < 30; n++) stack.upstream.store.putOperation('c0', { id: `op-${n}`, status: tenant === 'alice' ? 'completed' : 'failed' }, tenant);
    }
    const keys = Array.from({ length: 30 }, (_, n): [string, string] => ['c0', `op-${n}`]);
    const rounds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const tenant = i % 2 === 0 ? 'alice' : 'bob';
        return stack.gql(aliasQuery(keys), undefined, { authorization: `Bearer ${tenant}` }).then((r) => ({ tenant, r }));
      }),
    );
    for (const { tenant, r } of rounds) {
      expect(r.errors).toBeUndefined();
      const statuses = new Set(Object.values(r.data!).map((o) => (o as { status: string }).status));
      expect([...statuses]).toEqual([tenant === 'alice' ? 'COMPLETED' : 'FAILED']);
    }
    for (const request of stack.httpRequests()) expect(request.headers.authorization).toMatch(/^Bearer (alice|bob)$/);
    expect(stack.httpRequests()).toHaveLength(20);
    await stack.close();
  });
});
