import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createODataService } from '../src/service.js';
import { type Harness, TestClient, arr, graphError, ids, obj, startService } from './helpers.js';

describe('request recording', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.service.reset();
    h.service.store.addConnection('c1');
  });

  it('records method, raw url/path, decoded query, lower-case headers and body', async () => {
    await h.client.get("/connections/c1/operations/a%2Fb?$select=id&$filter=id+eq+'x%27'", { headers: { 'X-Custom': 'v', Authorization: 'Bearer t' } });
    await h.client.send('POST', '/connections/c1/operations', { body: { id: 'n', status: 'failed' } });
    await h.client.send('POST', '/connections/c1/operations', { body: 'not json', headers: { 'content-type': 'application/json' } });
    const [get, post, bad] = h.service.requests;
    expect(h.service.requests).toHaveLength(3);
    expect(get).toMatchObject({
      method: 'GET',
      url: "/beta/connections/c1/operations/a%2Fb?$select=id&$filter=id+eq+'x%27'",
      path: '/beta/connections/c1/operations/a%2Fb',
      query: { $select: 'id', $filter: "id eq 'x''" },
      body: undefined,
    });
    expect(get?.headers['x-custom']).toBe('v');
    expect(get?.headers['authorization']).toBe('Bearer t');
    expect(get?.batchPart).toBeUndefined();
    expect(post).toMatchObject({ method: 'POST', body: { id: 'n', status: 'failed' } });
    expect(bad?.body).toBe('not json');
  });

  it('records $batch parts after the batch request, with batchPart set', async () => {
    const requests = [
      { id: 'p1', method: 'GET', url: 'connections/c1/operations?$top=1', headers: { 'Client-Request-Id': 'x' } },
      { id: 'p2', method: 'POST', url: '/connections/c1/operations', body: { id: 'b' } },
    ];
    await h.client.send('POST', '/$batch', { body: { requests } });
    await h.client.send('POST', '/$batch', { body: { requests: [{ id: 'q1', method: 'GET', url: '/connections/c1' }] } });
    const records = h.service.requests;
    expect(records.map((r) => r.batchPart?.id ?? r.path)).toEqual(['/beta/$batch', 'p1', 'p2', '/beta/$batch', 'q1']);
    expect(records[1]).toMatchObject({
      method: 'GET',
      url: '/beta/connections/c1/operations?$top=1',
      path: '/beta/connections/c1/operations',
      query: { $top: '1' },
      headers: { 'client-request-id': 'x' },
      batchPart: { batchIndex: 0, id: 'p1', partIndex: 0, url: 'connections/c1/operations?$top=1' },
    });
    expect(records[2]).toMatchObject({ body: { id: 'b' }, batchPart: { batchIndex: 0, id: 'p2', partIndex: 1 } });
    expect(records[4]?.batchPart).toMatchObject({ batchIndex: 1, id: 'q1' });
    expect(obj(records[0]?.body)['requests']).toHaveLength(2);
  });

  it('clearRequests empties the same array; reset clears data and faults too', async () => {
    const held = h.service.requests;
    await h.client.get('/connections');
    h.service.clearRequests();
    expect(held).toHaveLength(0);
    expect(h.service.requests).toBe(held);
    h.service.faults.add({ fault: { type: 'status', status: 500 } });
    h.service.reset();
    expect(h.service.store.listConnections()).toEqual([]);
    expect((await h.client.get('/connections')).status).toBe(200);
  });
});

describe('tenancy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ tenancy: true });
  });
  afterAll(async () => {
    await h.close();
  });

  it('401 without a bearer token', async () => {
    const variants: Array<Record<string, string>> = [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer ' }];
    for (const headers of variants) {
      const res = await h.client.get('/connections', { headers });
      expect(res.status).toBe(401);
      expect(graphError(res).code).toBe('InvalidAuthenticationToken');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('isolates data per token, including inside $batch', async () => {
    const alice = { authorization: 'Bearer alice' };
    const bob = { authorization: 'Bearer bob' };
    h.service.store.addConnection('c1', 'c1', 'alice');
    h.service.store.addConnection('c1', 'c1', 'bob');
    expect((await h.client.send('POST', '/connections/c1/operations', { body: { id: 'secret' }, headers: alice })).status).toBe(201);
    expect(ids(await h.client.get('/connections/c1/operations', { headers: alice }))).toEqual(['secret']);
    expect(ids(await h.client.get('/connections/c1/operations', { headers: bob }))).toEqual([]);
    expect((await h.client.get('/connections/c1/operations/secret', { headers: bob })).status).toBe(404);
    const batch = await h.client.send('POST', '/$batch', {
      headers: bob,
      body: { requests: [{ id: '1', method: 'GET', url: '/connections/c1/operations/secret', headers: alice }] },
    });
    expect(obj(arr(obj(batch.json)['responses'])[0])['status']).toBe(404);
    expect(h.service.store.getOperation('c1', 'secret', 'alice')).toBeDefined();
    expect(h.service.store.getOperation('c1', 'secret', '')).toBeUndefined();
  });

  it('with seed, each new tenant is seeded on first sight', async () => {
    const seeded = await startService({ tenancy: true, seed: true });
    try {
      const headers = { authorization: 'Bearer carol' };
      const list = await seeded.client.get('/connections', { headers });
      expect(arr(obj(list.json)['value'])).toHaveLength(3);
      await seeded.client.send('DELETE', '/connections/contosohr/operations/hr-op-001', { headers });
      // carol's delete does not touch dave's copy
      expect((await seeded.client.get('/connections/contosohr/operations/hr-op-001', { headers: { authorization: 'Bearer dave' } })).status).toBe(200);
      expect((await seeded.client.get('/connections/contosohr/operations/hr-op-001', { headers })).status).toBe(404);
    } finally {
      await seeded.close();
    }
  });
});

describe('control endpoint', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('is off by default', async () => {
    h = await startService();
    expect((await h.client.send('POST', '/$test/faults', { body: { fault: { type: 'drop' } } })).status).toBe(404);
    expect((await h.client.send('POST', '/$test/reset')).status).toBe(404);
    expect((await h.client.get('/$test/requests')).status).toBe(404);
    expect((await h.client.get('/connections')).status).toBe(200);
  });

  it('adds faults, lists requests, resets; its own requests are not recorded', async () => {
    h = await startService({ controlEndpoint: true, seed: true });
    const c = h.client;
    const add = await c.send('POST', '/$test/faults', {
      body: { fault: { type: 'status', status: 429, retryAfter: 2 }, match: { method: 'GET', pathRegex: '^/connections/[^/]+/operations$' }, times: 'Infinity' },
    });
    expect(add.status).toBe(204);
    expect((await c.get('/connections/contosohr/operations')).status).toBe(429);
    expect((await c.get('/connections/contosohr/operations')).status).toBe(429);
    expect((await c.get('/connections/contosohr')).status).toBe(200);

    const listed = await c.get('/$test/requests');
    expect(listed.status).toBe(200);
    const paths = arr(obj(listed.json)['value']).map((r) => obj(r)['path']);
    expect(paths).toEqual(['/beta/connections/contosohr/operations', '/beta/connections/contosohr/operations', '/beta/connections/contosohr']);

    expect((await c.send('POST', '/$test/faults', { body: { fault: { type: 'bogus' } } })).status).toBe(400);
    expect((await c.send('POST', '/$test/faults', { body: 'nope', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await c.send('GET', '/$test/faults')).status).toBe(405);

    await c.send('POST', '/connections/contosohr/operations', { body: { id: 'extra' } });
    expect((await c.send('POST', '/$test/reset')).status).toBe(204);
    expect((await c.get('/connections/contosohr/operations')).status).toBe(200); // faults gone
    expect((await c.get('/connections/contosohr/operations/extra')).status).toBe(404); // back to the seed
    expect(h.service.requests.map((r) => r.path)).toEqual(['/beta/connections/contosohr/operations', '/beta/connections/contosohr/operations/extra']);

    expect((await c.send('POST', '/$test/latency', { body: { ms: 0 } })).status).toBe(204);
    expect((await c.send('POST', '/$test/pageSize', { body: { pageSize: 5 } })).status).toBe(204);
    expect(arr(obj((await c.get('/connections/contosohr/operations')).json)['value'])).toHaveLength(5);
  });
});

describe('service object', () => {
  it('validates options and exposes url only after listen', async () => {
    expect(() => createODataService({ pageSize: 0 })).toThrow(/pageSize must be a positive integer/);
    expect(() => createODataService({ basePath: 'beta?x' })).toThrow(/basePath/);
    const service = createODataService({ basePath: '/v1.0/' });
    expect(() => service.url).toThrow(/not listening/);
    const url = await service.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
    expect(service.url).toBe(url);
    const client = new TestClient(url);
    expect((await client.get('/$metadata')).status).toBe(200);
    await client.destroy();
    await service.close();
    await service.close(); // idempotent
  });

  it('reports server errors after listening to onError and goes on serving (none ends the process)', async () => {
    const errors: unknown[] = [];
    const servers: http.Server[] = [];
    const create = http.createServer;
    const spy = vi.spyOn(http, 'createServer').mockImplementation(((...args: Parameters<typeof http.createServer>) => {
      const server = create(...args);
      servers.push(server);
      return server;
    }) as typeof http.createServer);
    const service = createODataService({ onError: (error) => errors.push(error) });
    try {
      const url = await service.listen();
      expect(servers).toHaveLength(1);
      // An 'error' event without a listener would throw here (and end the process).
      servers[0]!.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
      servers[0]!.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
      expect(errors).toHaveLength(2);
      const client = new TestClient(url);
      expect((await client.get('/$metadata')).status).toBe(200);
      await client.destroy();
    } finally {
      spy.mockRestore();
      await service.close();
    }
  });

  it('unexpected errors answer 500 without details and reach onError; vanished clients are not errors', async () => {
    const errors: unknown[] = [];
    const service = createODataService({ onError: (error) => errors.push(error) });
    const url = await service.listen();
    const client = new TestClient(url);
    service.store.addConnection('c1');
    const original = service.store.listOperations;
    service.store.listOperations = () => {
      throw new Error('secret internals');
    };
    const res = await client.get('/connections/c1/operations');
    expect(res.status).toBe(500);
    expect(graphError(res).code).toBe('InternalServerError');
    expect(res.text).not.toContain('secret');
    expect(errors).toHaveLength(1);
    service.store.listOperations = original;

    // a client that sends half a body and disconnects
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST /beta/connections/c1/operations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":');
    await new Promise((resolve) => setTimeout(resolve, 30));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(errors).toHaveLength(1);
    expect((await client.get('/connections/c1/operations')).status).toBe(200);
    await client.destroy();
    await service.close();
  });

  it('the handler can be mounted on another server', async () => {
    const service = createODataService({ seed: true, basePath: '' });
    const server = http.createServer(service.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new TestClient(`http://127.0.0.1:${port}`);
    const res = await client.get('/connections/contosohr/operations?$top=2');
    expect(ids(res)).toEqual(['hr-op-001', 'hr-op-002']);
    await client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await service.close();
  });
});

describe('a bounded request log (requestLogMax)', () => {
  it('keeps the most recent requests, $batch parts included, up to the bound', async () => {
    const h = await startService({ requestLogMax: 3 });
    try {
      h.service.store.addConnection('c1');
      for (const id of ['a', 'b', 'c']) await h.client.get(`/connections/c1/operations/${id}`);
      await h.client.send('POST', '/$batch', { body: { requests: [{ id: 'p1', method: 'GET', url: '/connections/c1/operations/d' }] } });
      expect(h.service.requests.map((r) => r.batchPart?.id ?? r.path)).toEqual(['/beta/connections/c1/operations/c', '/beta/$batch', 'p1']);
    } finally {
      await h.close();
    }
  });

  it('keeps none with 0, and still serves', async () => {
    const h = await startService({ requestLogMax: 0 });
    try {
      h.service.store.addConnection('c1');
      const response = await h.client.get('/connections/c1/operations');
      expect(response.status).toBe(200);
      expect(h.service.requests).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
