import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, arr, graphError, obj, startService } from './helpers.js';

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
  h.service.store.putOperation('c1', { id: 'op-1', status: 'inprogress' });
  h.service.store.putOperation('c1', { id: 'a/b', status: 'failed' });
  h.service.store.putOperation('c1', { id: '..', status: 'completed' });
});

interface Part {
  id: string | null;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

async function batch(requests: unknown, headers: Record<string, string> = {}): Promise<{ status: number; parts: Map<string | null, Part>; order: Array<string | null>; raw: unknown }> {
  const res = await h.client.send('POST', '/$batch', { body: { requests }, headers });
  const parts = new Map<string | null, Part>();
  const order: Array<string | null> = [];
  if (res.status === 200) {
    for (const item of arr(obj(res.json)['responses'])) {
      const part = obj(item) as unknown as Part;
      parts.set(part.id, part);
      order.push(part.id);
    }
  }
  return { status: res.status, parts, order, raw: res.json };
}

describe('$batch', () => {
  it('mixed parts each get their own status', async () => {
    const result = await batch([
      { id: '1', method: 'GET', url: '/connections/c1/operations/op-1?$select=status' },
      { id: '2', method: 'GET', url: 'connections/c1/operations/missing' },
      { id: '3', method: 'POST', url: '/external/connections/c1/operations', headers: { 'content-type': 'application/json' }, body: { id: 'new', status: 'completed' } },
    ]);
    expect(result.status).toBe(200);
    expect(result.parts.get('1')).toMatchObject({ status: 200, body: { id: 'op-1', status: 'inprogress' } });
    expect(result.parts.get('1')?.headers['content-type']).toMatch(/^application\/json/);
    expect(result.parts.get('2')?.status).toBe(404);
    expect(obj(obj(result.parts.get('2')?.body)['error'])['code']).toBe('itemNotFound');
    expect(result.parts.get('3')).toMatchObject({ status: 201, body: { id: 'new' } });
    expect(result.parts.get('3')?.headers['location']).toBe(`${h.service.url}/external/connections/c1/operations/new`);
    expect(h.service.store.getOperation('c1', 'new')).toBeDefined();
  });

  it('responses do not come back in request order', async () => {
    const result = await batch([
      { id: 'a', method: 'GET', url: '/connections/c1' },
      { id: 'b', method: 'GET', url: '/connections/c1' },
      { id: 'c', method: 'GET', url: '/connections/c1' },
    ]);
    expect(result.order).not.toEqual(['a', 'b', 'c']);
    expect([...result.order].sort()).toEqual(['a', 'b', 'c']);
  });

  it('more than 20 requests is a 400 for the whole batch; 20 is fine', async () => {
    const make = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i), method: 'GET', url: '/connections/c1' }));
    const tooMany = await h.client.send('POST', '/$batch', { body: { requests: make(21) } });
    expect(tooMany.status).toBe(400);
    expect(graphError(tooMany).message).toContain('limit is 20');
    expect(h.service.requests.filter((r) => r.batchPart)).toHaveLength(0);
    const twenty = await batch(make(20));
    expect(twenty.status).toBe(200);
    expect(twenty.parts.size).toBe(20);
  });

  it('a body that is not the batch shape is a 400', async () => {
    for (const body of ['{', '', { value: [] }, { requests: {} }, [1]]) {
      const res = await h.client.send('POST', '/$batch', { body, headers: { 'content-type': 'application/json' } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(graphError(res).code).toBe('BadRequest');
    }
    const dup = await h.client.send('POST', '/$batch', {
      body: { requests: [{ id: 'x', method: 'GET', url: '/connections' }, { id: 'x', method: 'GET', url: '/connections' }] },
    });
    expect(dup.status).toBe(400);
    expect((await h.client.get('/$batch')).status).toBe(405);
  });

  it('malformed parts get their own 400 without failing the batch', async () => {
    const result = await batch([
      { id: 'ok', method: 'GET', url: '/connections/c1' },
      { id: 'no-url', method: 'GET' },
      { id: 'no-method', url: '/connections/c1' },
      { method: 'GET', url: '/connections/c1' },
      { id: 'foreign', method: 'GET', url: 'http://evil.example/beta/connections/c1' },
      { id: 'outside', method: 'GET', url: `${h.client.origin}/v1.0/connections/c1` },
      { id: 'space', method: 'GET', url: '/connections/c 1' },
      { id: 'bad-headers', method: 'GET', url: '/connections/c1', headers: { x: 1 } },
      { id: 'nested', method: 'POST', url: '/$batch', body: { requests: [] } },
      'not an object',
    ]);
    expect(result.status).toBe(200);
    expect(result.parts.get('ok')?.status).toBe(200);
    for (const id of ['no-url', 'no-method', 'foreign', 'outside', 'space', 'bad-headers', 'nested']) {
      expect(result.parts.get(id)?.status, id).toBe(400);
      expect(obj(obj(result.parts.get(id)?.body)['error'])['code']).toBe('BadRequest');
    }
    expect(result.parts.get(null)?.status).toBe(400); // the parts without an id
    expect(result.order).toHaveLength(10);
  });

  it('part URLs: relative with or without slash, absolute under the root, awkward ids, query', async () => {
    const result = await batch([
      { id: '1', method: 'GET', url: 'connections/c1/operations/a%2Fb' },
      { id: '2', method: 'GET', url: `${h.service.url}/connections/c1/operations/%2E%2E` },
      { id: '3', method: 'GET', url: "/connections('c1')/operations('a%2Fb')" },
      { id: '4', method: 'GET', url: "/connections/c1/operations?$filter=status eq 'failed'&$select=id" },
      { id: '5', method: 'GET', url: "/connections/c1/operations?$filter=status%20eq%20'failed'" },
    ]);
    expect(obj(result.parts.get('1')?.body)['id']).toBe('a/b');
    expect(obj(result.parts.get('2')?.body)['id']).toBe('..');
    expect(obj(result.parts.get('3')?.body)['id']).toBe('a/b');
    expect(result.parts.get('4')?.status).toBe(400); // unescaped spaces in a URL
    expect(arr(obj(result.parts.get('5')?.body)['value'])).toHaveLength(1);
  });

  it('PATCH/DELETE parts honour their own If-Match and Prefer headers', async () => {
    const etag = h.service.store.getOperation('c1', 'op-1')?.etag ?? '';
    const result = await batch([
      { id: 'stale', method: 'PATCH', url: '/connections/c1/operations/op-1', headers: { 'if-match': 'W/"0"' }, body: { status: 'failed' } },
      { id: 'fresh', method: 'PATCH', url: '/connections/c1/operations/op-1', headers: { 'if-match': etag, prefer: 'return=minimal' }, body: { status: 'completed' } },
      { id: 'del', method: 'DELETE', url: '/connections/c1/operations/a%2Fb' },
    ]);
    expect(result.parts.get('stale')?.status).toBe(412);
    expect(result.parts.get('fresh')?.status).toBe(204);
    expect(result.parts.get('fresh')).not.toHaveProperty('body');
    expect(result.parts.get('del')?.status).toBe(204);
    expect(h.service.store.getOperation('c1', 'op-1')?.status).toBe('completed');
  });

  it('dependsOn: a failed dependency answers 424', async () => {
    const result = await batch([
      { id: 'a', method: 'GET', url: '/connections/c1/operations/missing' },
      { id: 'b', method: 'DELETE', url: '/connections/c1/operations/op-1', dependsOn: ['a'] },
      { id: 'c', method: 'GET', url: '/connections/c1/operations/op-1', dependsOn: ['zzz'] },
    ]);
    expect(result.parts.get('b')?.status).toBe(424);
    expect(result.parts.get('c')?.status).toBe(400);
    expect(h.service.store.getOperation('c1', 'op-1')).toBeDefined();
  });

  it('supportsBatch: false answers 404 with a Graph error body', async () => {
    const other = await startService({ supportsBatch: false });
    try {
      const res = await other.client.send('POST', '/$batch', { body: { requests: [] } });
      expect(res.status).toBe(404);
      expect(graphError(res).code).toBe('BadRequest');
    } finally {
      await other.close();
    }
  });
});
