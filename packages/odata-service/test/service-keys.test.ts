import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, ids, key, obj, q, seg, startService } from './helpers.js';

const AWKWARD_IDS = [
  'a/b',
  "it's",
  "''",
  '100%',
  '%2F',
  'what?x=1',
  '#hash',
  'with space',
  'a+b',
  'ünïcode ✓ 日本',
  '..',
  '.',
  '$ref',
  '$count',
  '(parens)',
  "op('x')",
  'back\\slash',
  'semi;colon&amp=1',
];

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
  h.service.store.addConnection('odd/conn ✓');
  for (const id of AWKWARD_IDS) h.service.store.putOperation('c1', { id, status: 'completed' });
  h.service.store.putOperation('odd/conn ✓', { id: 'x', status: 'failed' });
});

describe('entity by key', () => {
  it.each(AWKWARD_IDS)('addresses %j as one percent-encoded segment in both families', async (id) => {
    for (const family of ['/connections', '/external/connections']) {
      const res = await h.client.get(`${family}/c1/operations/${seg(id)}`);
      expect(res.status, `${family} ${id}`).toBe(200);
      expect(obj(res.json)['id']).toBe(id);
      expect(res.headers['etag']).toBe(obj(res.json)['@odata.etag']);
    }
  });

  it.each(AWKWARD_IDS)('addresses %j with OData key syntax', async (id) => {
    const res = await h.client.get(`/connections${key('c1')}/operations${key(id)}`);
    expect(res.status, id).toBe(200);
    expect(obj(res.json)['id']).toBe(id);
  });

  it('key syntax with an unencoded doubled quote', async () => {
    const res = await h.client.get("/connections/c1/operations('it''s')");
    expect(obj(res.json)['id']).toBe("it's");
    const named = await h.client.get("/connections/c1/operations(id='it''s')");
    expect(obj(named.json)['id']).toBe("it's");
  });

  it('an id with an encoded slash never changes the path', async () => {
    // 'a%2Fb' is the id "a/b", not operations/a then segment b
    expect(obj((await h.client.get('/connections/c1/operations/a%2Fb')).json)['id']).toBe('a/b');
    // the raw form is a different (unknown) path
    expect((await h.client.get('/connections/c1/operations/a/b')).status).toBe(404);
  });

  it("%2E%2E is the id '..' while a raw .. is a dot segment (as any server resolves it)", async () => {
    expect(obj((await h.client.get('/connections/c1/operations/%2E%2E')).json)['id']).toBe('..');
    expect(obj((await h.client.get('/connections/c1/operations/%2e%2e')).json)['id']).toBe('..');
    const raw = await h.client.get('/connections/c1/operations/..');
    // resolves to /connections/c1: the connection, not the operation
    expect(obj(raw.json)).toMatchObject({ id: 'c1' });
    expect(obj(raw.json)).not.toHaveProperty('status');
  });

  it('$ref and $count are system segments only when not encoded', async () => {
    expect(obj((await h.client.get('/connections/c1/operations/%24ref')).json)['id']).toBe('$ref');
    expect(obj((await h.client.get('/connections/c1/operations/%24count')).json)['id']).toBe('$count');
    expect((await h.client.get('/connections/c1/operations/$count')).text).toBe(String(AWKWARD_IDS.length));
  });

  it('connection ids are decoded per segment too', async () => {
    const res = await h.client.get(`/connections/${seg('odd/conn ✓')}/operations`);
    expect(ids(res)).toEqual(['x']);
    expect(obj(res.json)['@odata.context']).toContain("connections('odd%2Fconn%20%E2%9C%93')/operations");
  });

  it('awkward ids round-trip through $filter literals and Location headers', async () => {
    for (const id of AWKWARD_IDS) {
      const res = await h.client.get(`/connections/c1/operations?${q({ $filter: `id eq '${id.replace(/'/g, "''")}'` })}`);
      expect(ids(res), id).toEqual([id]);
    }
    const created = await h.client.send('POST', '/connections/c1/operations', { body: { id: 'new/../é?#', status: 'inprogress' } });
    expect(created.status).toBe(201);
    const location = created.headers['location'] ?? '';
    expect(location).toBe(`${h.service.url}/connections/c1/operations/new%2F..%2F%C3%A9%3F%23`);
    expect(obj((await h.client.send('GET', location)).json)['id']).toBe('new/../é?#');
  });

  it('a malformed percent-encoding is a 400, a bad key literal too', async () => {
    expect((await h.client.get('/connections/c1/operations/%E0%A4%A')).status).toBe(400);
    expect((await h.client.get("/connections/c1/operations('a'b')")).status).toBe(400);
  });
});
