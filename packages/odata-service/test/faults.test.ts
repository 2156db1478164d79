import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../src/faults.js';
import { type Harness, type TestClient, arr, graphError, obj, startService } from './helpers.js';

let h: Harness;
let client: TestClient;
beforeAll(async () => {
  h = await startService();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.service.reset();
  h.service.store.addConnection('c1');
  h.service.store.putOperation('c1', { id: 'op-1', status: 'inprogress' });
  client = h.newClient(); // dropped sockets must not leak into the next test
});

const OPS = '/connections/c1/operations';

async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the request to fail at the socket level');
}

describe('status faults', () => {
  it('429 with Retry-After and a Graph body, once by default', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 429, retryAfter: 7 } });
    const res = await client.get(OPS, { headers: { 'client-request-id': 'cr-1' } });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(graphError(res).code).toBe('TooManyRequests');
    expect(graphError(res).innerError['client-request-id']).toBe('cr-1');
    expect(res.headers['request-id']).toBeDefined();
    expect((await client.get(OPS)).status).toBe(200);
  });

  it('503 twice, then success; 500 and 502 codes; no Retry-After unless given', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 503, retryAfter: 0 }, times: 2 });
    const first = await client.get(OPS);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('0');
    expect(graphError(first).code).toBe('ServiceUnavailable');
    expect((await client.get(OPS)).status).toBe(503);
    expect((await client.get(OPS)).status).toBe(200);

    h.service.faults.add({ fault: { type: 'status', status: 500 } });
    h.service.faults.add({ fault: { type: 'status', status: 502 } });
    const five = await client.get(OPS);
    expect(graphError(five).code).toBe('InternalServerError');
    expect(five.headers['retry-after']).toBeUndefined();
    expect(graphError(await client.get(OPS)).code).toBe('BadGateway');
  });

  it('a status fault on a write does not perform it', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 500 }, match: { method: 'POST' } });
    expect((await client.send('POST', OPS, { body: { id: 'x' } })).status).toBe(500);
    expect(h.service.store.getOperation('c1', 'x')).toBeUndefined();
  });
});

describe('malformed, drop, drop-after-commit', () => {
  it('malformed: 200 JSON content type, body not parseable', async () => {
    h.service.faults.add({ fault: { type: 'malformed' } });
    const res = await client.get(OPS);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('drop: the socket is destroyed without an answer, nothing is written', async () => {
    h.service.faults.add({ fault: { type: 'drop' }, match: { method: 'POST' } });
    const error = await rejected(client.send('POST', OPS, { body: { id: 'dropped' } }));
    expect(error.message).toMatch(/closed|socket|reset/i);
    expect(h.service.store.getOperation('c1', 'dropped')).toBeUndefined();
    expect((await h.newClient().get(OPS)).status).toBe(200);
  });

  it('drop-after-commit: the write happens, the answer is lost', async () => {
    h.service.faults.add({ fault: { type: 'drop-after-commit' } });
    await rejected(client.send('POST', OPS, { body: { id: 'committed', status: 'completed' } }));
    expect(h.service.store.getOperation('c1', 'committed')?.status).toBe('completed');
    // a retry of the create now conflicts, as the contract expects
    expect((await h.newClient().send('POST', OPS, { body: { id: 'committed' } })).status).toBe(409);
  });
});

describe('location', () => {
  it('performs the request and answers with the Location given, set or replaced', async () => {
    h.service.setOperationDelay(Number.POSITIVE_INFINITY);
    h.service.faults.add({ fault: { type: 'location', location: 'http://elsewhere.example/x/../y' }, match: { method: 'PATCH' } });
    const registered = await client.send('PATCH', '/connections/c1/schema', { body: { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'string' }] } });
    expect(registered.status).toBe(202);
    expect(registered.headers['location']).toBe('http://elsewhere.example/x/../y');
    // The registration started all the same: its operation is there, under a Location of its own no more.
    expect(h.service.settleOperations()).toBe(1);
    expect((await client.get('/connections/c1/schema')).status).toBe(200);

    h.service.faults.add({ fault: { type: 'location', location: '/relative' } });
    const read = await client.get(`${OPS}/op-1`);
    expect(read.status).toBe(200);
    expect(read.headers['location']).toBe('/relative');
  });

  it('on a $batch part, in that part', async () => {
    h.service.faults.add({ fault: { type: 'location', location: 'http://elsewhere.example/' }, match: { batchPart: true } });
    const res = await client.send('POST', '/$batch', { body: { requests: [{ id: '1', method: 'GET', url: '/connections/c1/operations/op-1' }] } });
    const part = obj(arr(obj(res.json)['responses'])[0]);
    expect(part['status']).toBe(200);
    expect(obj(part['headers'])['location']).toBe('http://elsewhere.example/');
  });

  it('refuses a Location that is not one header value', () => {
    expect(() => h.service.faults.add({ fault: { type: 'location', location: 'a\r\nset-cookie: x' } })).toThrow(TypeError);
    expect(() => h.service.faults.add({ fault: { type: 'location', location: 'x'.repeat(8193) } })).toThrow(TypeError);
    expect(() => h.service.faults.add({ fault: { type: 'location', location: 'http://a.example/\u0000' } })).toThrow(TypeError);
    expect(() => h.service.faults.add({ fault: { type: 'location', location: 'http://a.example/\u2603' } })).toThrow(TypeError);
  });
});

describe('faults on GET {root}/$metadata (a client reads it before anything else)', () => {
  const METADATA = { path: '/$metadata' };

  it('401: a Graph error body, then the document again', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 401 }, match: METADATA });
    expect((await client.get(OPS)).status).toBe(200); // the rule matches $metadata only
    const res = await client.get('/$metadata', { headers: { 'client-request-id': 'md-1' } });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(graphError(res).code).toBe('InvalidAuthenticationToken');
    expect(graphError(res).innerError['client-request-id']).toBe('md-1');
    // An injected 401 carries no WWW-Authenticate challenge (only the tenancy 401 does).
    expect(res.headers['www-authenticate']).toBeUndefined();
    const again = await client.get('/$metadata');
    expect(again.status).toBe(200);
    expect(again.text).toContain('<edmx:Edmx');
  });

  it('503 with Retry-After, as many times as asked', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 503, retryAfter: 3 }, match: { method: 'GET', ...METADATA }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await client.get('/$metadata');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('3');
      expect(graphError(res).code).toBe('ServiceUnavailable');
    }
    expect((await client.get('/$metadata')).status).toBe(200);
  });

  it('drop: the connection is reset without an answer', async () => {
    h.service.faults.add({ fault: { type: 'drop' }, match: METADATA });
    const error = await rejected(client.get('/$metadata'));
    expect(error.message).toMatch(/closed|socket|reset/i);
    expect((await h.newClient().get('/$metadata')).status).toBe(200);
  });

  it('the same rules through the control endpoint, and a metadata URL with a query', async () => {
    const withControl = await startService({ controlEndpoint: true });
    try {
      const c = withControl.client;
      expect((await c.send('POST', '/$test/faults', { body: { fault: { type: 'status', status: 503, retryAfter: 1 }, match: METADATA } })).status).toBe(204);
      const res = await c.get('/$metadata?$format=application/xml');
      expect(res.status).toBe(503); // matched on the path alone, the query does not matter
      expect(res.headers['retry-after']).toBe('1');
      expect((await c.get('/$metadata')).status).toBe(200);
    } finally {
      await withControl.close();
    }
  });
});

describe('latency', () => {
  it('one-off latency delays one answer', async () => {
    h.service.faults.add({ fault: { type: 'latency', ms: 150 } });
    let start = performance.now();
    expect((await client.get(OPS)).status).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    start = performance.now();
    await client.get(OPS);
    expect(performance.now() - start).toBeLessThan(100);
  });

  it('global latency applies to every response until set to 0', async () => {
    h.service.faults.latency(80);
    let start = performance.now();
    await Promise.all([client.get(OPS), h.newClient().get('/connections')]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(75);
    h.service.faults.latency(0);
    start = performance.now();
    await client.get(OPS);
    expect(performance.now() - start).toBeLessThan(60);
  });

  it('close() does not wait for pending latency', async () => {
    const other = await startService();
    other.service.faults.latency(10_000);
    const pending = other.client.get('/connections').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const start = performance.now();
    await other.close();
    expect(performance.now() - start).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('matching', () => {
  it('by method and by path (string equality or RegExp), after basePath', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 503 }, match: { path: '/connections/c1/operations/op-1' }, times: Infinity });
    h.service.faults.add({ fault: { type: 'status', status: 502 }, match: { method: 'delete', path: /^\/connections\/[^/]+\/operations\// } });
    expect((await client.get(`${OPS}/op-1`)).status).toBe(503);
    expect((await client.get(`${OPS}/op-1`)).status).toBe(503);
    expect((await client.get(OPS)).status).toBe(200);
    expect((await client.send('DELETE', `${OPS}/zzz`)).status).toBe(502);
    expect((await client.send('DELETE', `${OPS}/zzz`)).status).toBe(404);
  });

  it('probability 0 never fires, 1 always (times defaults to Infinity)', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 500 }, probability: 0 });
    expect((await client.get(OPS)).status).toBe(200);
    h.service.faults.reset();
    h.service.faults.add({ fault: { type: 'status', status: 500 }, probability: 1 });
    for (let i = 0; i < 3; i++) expect((await client.get(OPS)).status).toBe(500);
  });

  it('rules are consumed in order', () => {
    const injector = new FaultInjector();
    injector.add({ fault: { type: 'malformed' } });
    injector.add({ fault: { type: 'drop' } });
    const target = { method: 'GET', path: '/', batchPart: false };
    expect(injector.take(target)?.type).toBe('malformed');
    expect(injector.take(target)?.type).toBe('drop');
    expect(injector.take(target)).toBeUndefined();
  });

  it('invalid rules are rejected up front', () => {
    expect(() => h.service.faults.add({ fault: { type: 'status', status: 200 } })).toThrow(TypeError);
    expect(() => h.service.faults.add({ fault: { type: 'latency', ms: -1 } })).toThrow(TypeError);
    expect(() => h.service.faults.add({ fault: { type: 'malformed' }, probability: 2 })).toThrow(TypeError);
    expect(() => h.service.faults.add({ fault: { type: 'malformed' }, times: 0 })).toThrow(TypeError);
  });
});

describe('faults inside $batch', () => {
  const parts = [
    { id: '1', method: 'GET', url: '/connections/c1/operations/op-1' },
    { id: '2', method: 'POST', url: '/connections/c1/operations', body: { id: 'via-batch' } },
  ];

  function partsById(json: unknown): Map<string, Record<string, unknown>> {
    return new Map(arr(obj(json)['responses']).map((p) => [String(obj(p)['id']), obj(p)]));
  }

  it('batchPart: true applies only to parts, with Retry-After in the part headers', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 429, retryAfter: 3 }, match: { batchPart: true, method: 'GET' } });
    // a top-level GET is not affected
    expect((await client.get(`${OPS}/op-1`)).status).toBe(200);
    const res = await client.send('POST', '/$batch', { body: { requests: parts } });
    expect(res.status).toBe(200);
    const byId = partsById(res.json);
    expect(byId.get('1')?.['status']).toBe(429);
    expect(obj(byId.get('1')?.['headers'])['retry-after']).toBe('3');
    expect(obj(obj(byId.get('1')?.['body'])['error'])['code']).toBe('TooManyRequests');
    expect(byId.get('2')?.['status']).toBe(201);
  });

  it('batchPart: false applies only to top-level requests (the $batch itself included)', async () => {
    h.service.faults.add({ fault: { type: 'status', status: 503 }, match: { batchPart: false }, times: 1 });
    const res = await client.send('POST', '/$batch', { body: { requests: parts } });
    expect(res.status).toBe(503);
    expect(h.service.store.getOperation('c1', 'via-batch')).toBeUndefined();
    h.service.faults.add({ fault: { type: 'status', status: 503 }, match: { batchPart: false, path: '/connections/c1/operations' } });
    const ok = await client.send('POST', '/$batch', { body: { requests: parts } });
    expect(partsById(ok.json).get('2')?.['status']).toBe(201);
  });

  it('drop on a part drops the whole batch connection, nothing committed', async () => {
    h.service.faults.add({ fault: { type: 'drop' }, match: { batchPart: true, path: '/connections/c1/operations/op-1' } });
    await rejected(client.send('POST', '/$batch', { body: { requests: parts } }));
    expect(h.service.store.getOperation('c1', 'via-batch')).toBeUndefined();
  });

  it('drop-after-commit on a part: all parts execute, then the connection is dropped', async () => {
    h.service.faults.add({ fault: { type: 'drop-after-commit' }, match: { batchPart: true, method: 'GET' } });
    await rejected(client.send('POST', '/$batch', { body: { requests: parts } }));
    expect(h.service.store.getOperation('c1', 'via-batch')).toBeDefined();
  });

  it('malformed on a part makes the whole batch body malformed; other parts still run', async () => {
    h.service.faults.add({ fault: { type: 'malformed' }, match: { batchPart: true, method: 'GET' } });
    const res = await client.send('POST', '/$batch', { body: { requests: parts } });
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    expect(h.service.store.getOperation('c1', 'via-batch')).toBeDefined();
  });

  it('latency on a part delays the batch answer', async () => {
    h.service.faults.add({ fault: { type: 'latency', ms: 120 }, match: { batchPart: true } });
    const start = performance.now();
    const res = await client.send('POST', '/$batch', { body: { requests: parts } });
    expect(res.status).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(110);
  });
});
