import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { defaultConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { startStack, type Stack } from '../support/stack.js';

const READ = '{ connectionOperation(connectionId: "c1", operationId: "op") { operationId status } }';
const CREATE = 'mutation { createConnectionOperation(connectionId: "c1", input: { operationId: "new" }) { operationId } }';

describe('upstream failures become typed errors (DESIGN.md error table)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { upstreamTimeoutMs: 300, retryMax: 2, retryAfterMaxSeconds: 1 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.store.putOperation('c1', { id: 'op', status: 'completed' });
  });

  function expectNoLeak(result: unknown): void {
    const text = JSON.stringify(result);
    expect(text).not.toContain(stack.serviceRoot);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toMatch(/stack|at .*\.ts/i);
  }

  it.each([
    [400, 'BAD_USER_INPUT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [409, 'CONFLICT'],
    [412, 'PRECONDITION_FAILED'],
    [500, 'UPSTREAM_ERROR'],
    [501, 'UPSTREAM_ERROR'],
  ])('maps upstream %i on a read to %s with upstreamStatus, odataCode and requestId, once', async (status, code) => {
    stack.upstream.faults.add({ fault: { type: 'status', status } });
    const result = await stack.gql(READ);
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ connectionOperation: null });
    const error = result.errors![0]!;
    expect(error.path).toEqual(['connectionOperation']);
    expect(error.extensions).toMatchObject({ code, upstreamStatus: status });
    expect(typeof error.extensions!.odataCode).toBe('string');
    expect(error.extensions!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(error.extensions!).sort()).toEqual(['code', 'odataCode', 'requestId', 'upstreamStatus']);
    expect(stack.httpRequests()).toHaveLength(1);
    expectNoLeak(result);
  });

  it('retries a throttled read and then answers THROTTLED with retryAfter', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 1 }, times: 10 });
    const result = await stack.gql(READ);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', upstreamStatus: 429, retryAfter: 1 });
    expect(stack.httpRequests()).toHaveLength(3);
  }, 10_000);

  it('treats 503 with Retry-After as THROTTLED, and answers once the throttling ends', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 503, retryAfter: 0 }, times: 3 });
    const throttled = await stack.gql(READ);
    expect(throttled.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', upstreamStatus: 503 });
    stack.upstream.clearRequests();
    stack.upstream.faults.add({ fault: { type: 'status', status: 503, retryAfter: 0 }, times: 1 });
    const recovered = await stack.gql(READ);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data!.connectionOperation.operationId).toBe('op');
    expect(stack.httpRequests()).toHaveLength(2);
  });

  it('fails at once with THROTTLED when Retry-After exceeds what it may wait', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 120 }, times: 5 });
    const result = await stack.gql(READ);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', retryAfter: 120 });
    expect(stack.httpRequests()).toHaveLength(1);
  });

  it('maps 503 without Retry-After to UPSTREAM_ERROR after its retries', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 503 }, times: 5 });
    const result = await stack.gql(READ);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 503 });
    expect(stack.httpRequests()).toHaveLength(3);
  });

  it('maps a malformed JSON answer to UPSTREAM_ERROR', async () => {
    stack.upstream.faults.add({ fault: { type: 'malformed' } });
    const result = await stack.gql(READ);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 200 });
    expectNoLeak(result);
  });

  it('maps no answer in time to UPSTREAM_TIMEOUT', async () => {
    stack.upstream.faults.add({ fault: { type: 'latency', ms: 1500 } });
    const started = Date.now();
    const result = await stack.gql(READ);
    expect(result.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('retries a read whose connection dropped', async () => {
    stack.upstream.faults.add({ fault: { type: 'drop' } });
    const result = await stack.gql(READ);
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperation.operationId).toBe('op');
    expect(stack.httpRequests()).toHaveLength(2);
  });

  it('never retries a create: 429 gives THROTTLED after exactly one POST', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 0 }, times: 5 });
    const result = await stack.gql(CREATE);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', upstreamStatus: 429 });
    expect(stack.httpRequests().filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(stack.upstream.store.getOperation('c1', 'new')).toBeUndefined();
  });

  it.each([
    ['429 with Retry-After', { type: 'status', status: 429, retryAfter: 0 }, { code: 'THROTTLED' }, false],
    ['503 with Retry-After', { type: 'status', status: 503, retryAfter: 0 }, { code: 'THROTTLED' }, false],
    ['503', { type: 'status', status: 503 }, { code: 'UPSTREAM_ERROR' }, false],
    ['500', { type: 'status', status: 500 }, { code: 'UPSTREAM_ERROR' }, false],
    ['502', { type: 'status', status: 502 }, { code: 'UPSTREAM_ERROR' }, false],
    ['malformed JSON', { type: 'malformed' }, { code: 'UPSTREAM_ERROR' }, false],
    ['a dropped connection', { type: 'drop' }, { code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true }, false],
    ['an answer lost after commit', { type: 'drop-after-commit' }, { code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true }, true],
    ['latency past the timeout', { type: 'latency', ms: 1000 }, { code: 'UPSTREAM_TIMEOUT', outcomeUnknown: true }, true],
  ] as const)('sends a create exactly once under %s, and keeps serving', async (_name, fault, extensions, created) => {
    stack.upstream.faults.add({ fault: fault as never, match: { method: 'POST' }, times: 5 });
    const result = await stack.gql(CREATE);
    expect(result.errors![0]!.extensions).toMatchObject(extensions);
    if (!('outcomeUnknown' in extensions)) expect(result.errors![0]!.extensions!.outcomeUnknown).toBeUndefined();
    expect(stack.httpRequests().filter((r) => r.method === 'POST')).toHaveLength(1);
    if (fault.type !== 'latency') expect(stack.upstream.store.getOperation('c1', 'new') !== undefined).toBe(created);
    stack.upstream.faults.reset();
    const read = await stack.gql(READ);
    expect(read.data!.connectionOperation).toEqual({ operationId: 'op', status: 'COMPLETED' });
  });

  it('reports a create whose answer was lost with outcomeUnknown, after exactly one POST', async () => {
    stack.upstream.faults.add({ fault: { type: 'drop-after-commit' }, match: { method: 'POST' } });
    const result = await stack.gql(CREATE);
    expect(result.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true });
    expect(stack.httpRequests()).toHaveLength(1);
    expect(stack.upstream.store.getOperation('c1', 'new')).toBeDefined();
    // The client chose the id, so its retry is safe: the second create answers CONFLICT.
    const retry = await stack.gql(CREATE);
    expect(retry.errors![0]!.extensions!.code).toBe('CONFLICT');
  });

  it('reports a create that timed out with outcomeUnknown', async () => {
    stack.upstream.faults.add({ fault: { type: 'latency', ms: 1000 }, match: { method: 'POST' } });
    const result = await stack.gql(CREATE);
    expect(result.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', outcomeUnknown: true });
    expect(stack.httpRequests()).toHaveLength(1);
  });

  it('retries an update only when it carries If-Match', async () => {
    const { etag } = stack.upstream.store.putOperation('c1', { id: 'u', status: 'inprogress' });
    stack.upstream.faults.add({ fault: { type: 'status', status: 503, retryAfter: 0 }, match: { method: 'PATCH' } });
    const guarded = await stack.gql('mutation($e: String) { updateConnectionOperation(connectionId: "c1", operationId: "u", input: { status: COMPLETED }, ifMatch: $e) { status } }', { e: etag });
    expect(guarded.errors).toBeUndefined();
    expect(stack.httpRequests().map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
    stack.upstream.clearRequests();
    stack.upstream.faults.add({ fault: { type: 'status', status: 503, retryAfter: 0 }, match: { method: 'PATCH' } });
    const unguarded = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", operationId: "u", input: { status: FAILED }) { status } }');
    expect(unguarded.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', upstreamStatus: 503 });
    expect(stack.httpRequests().map((r) => r.method)).toEqual(['PATCH']);
    expect(stack.upstream.store.getOperation('c1', 'u')!.status).toBe('completed');
  });

  it('never retries a guarded update whose answer was lost: outcomeUnknown, one PATCH', async () => {
    const { etag } = stack.upstream.store.putOperation('c1', { id: 'u', status: 'inprogress' });
    stack.upstream.faults.add({ fault: { type: 'drop-after-commit' }, match: { method: 'PATCH' } });
    const result = await stack.gql('mutation($e: String) { updateConnectionOperation(connectionId: "c1", operationId: "u", input: { status: COMPLETED }, ifMatch: $e) { status } }', { e: etag });
    expect(result.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true });
    expect(stack.httpRequests().map((r) => r.method)).toEqual(['PATCH']);
    expect(stack.upstream.store.getOperation('c1', 'u')!.status).toBe('completed');
  });

  it('reports a lost $batch of reads as a plain timeout, never with outcomeUnknown', async () => {
    stack.upstream.store.putOperation('c1', { id: 'op2', status: 'completed' });
    stack.upstream.faults.add({ fault: { type: 'latency', ms: 1500 }, match: { path: '/$batch' } });
    const result = await stack.gql('{ a: connectionOperation(connectionId: "c1", operationId: "op") { operationId } b: connectionOperation(connectionId: "c1", operationId: "op2") { operationId } }');
    expect(result.errors!.map((e) => e.extensions)).toEqual([{ code: 'UPSTREAM_TIMEOUT' }, { code: 'UPSTREAM_TIMEOUT' }]);
  });

  it('retries a delete only when it carries If-Match', async () => {
    const { etag } = stack.upstream.store.putOperation('c1', { id: 'd', status: 'completed' });
    stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 0 }, match: { method: 'DELETE' }, times: 2 });
    const unguarded = await stack.gql('mutation { deleteConnectionOperation(connectionId: "c1", operationId: "d") { deletedId } }');
    expect(unguarded.errors![0]!.extensions!.code).toBe('THROTTLED');
    const guarded = await stack.gql('mutation($e: String) { deleteConnectionOperation(connectionId: "c1", operationId: "d", ifMatch: $e) { deletedId } }', { e: etag });
    expect(guarded.errors).toBeUndefined();
    expect(stack.httpRequests().map((r) => r.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
  });

  it('keeps serving after all of that', async () => {
    const result = await stack.gql(READ);
    expect(result.data!.connectionOperation).toEqual({ operationId: 'op', status: 'COMPLETED' });
  });
});

describe('the deadline of a whole GraphQL request', () => {
  it('stops retrying when the request deadline is spent, and answers in time', async () => {
    const stack = await startStack({ config: { requestDeadlineMs: 600, upstreamTimeoutMs: 5000, retryMax: 10, retryAfterMaxSeconds: 5 } });
    stack.upstream.store.putOperation('c1', { id: 'op', status: 'completed' });
    stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 1 }, times: 10 });
    const started = Date.now();
    const throttled = await stack.gql(READ);
    expect(throttled.errors![0]!.extensions!.code).toBe('THROTTLED');
    expect(stack.httpRequests()).toHaveLength(1);
    stack.upstream.faults.reset();
    stack.upstream.faults.add({ fault: { type: 'latency', ms: 3000 } });
    const stalled = await stack.gql(READ);
    expect(stalled.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2500);
    await stack.close();
  });
});

describe('an upstream that is not there', () => {
  it('answers UPSTREAM_UNAVAILABLE, without outcomeUnknown for a write that was never sent', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const config = defaultConfig({ retryMax: 1, retryBaseMs: 1 });
    const gateway = createGateway({ config, serviceRoot: `http://127.0.0.1:${port}/beta`, log: createLogger('silent') });
    const post = (query: string) =>
      gateway.yoga.fetch('http://gateway/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const read = (await (await post(READ)).json()) as { errors: Array<{ extensions: unknown }> };
    expect(read.errors[0]!.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE' });
    const write = (await (await post(CREATE)).json()) as { errors: Array<{ extensions: unknown }> };
    expect(write.errors[0]!.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE' });
    await gateway.close();
  });
});
