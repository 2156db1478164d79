import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, UUID, graphError, obj, startService } from './helpers.js';

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
});

const failedError = {
  '@odata.type': '#microsoft.graph.errorDetail',
  errorCode: 'E1',
  message: 'broken',
  details: [
    { '@odata.type': '#microsoft.graph.innerErrorDetail', source: 's1', message: 'm1' },
    { source: 's2', message: null },
  ],
};

describe('POST …/operations', () => {
  it('creates with 201, Location and the entity', async () => {
    const res = await h.client.send('POST', '/connections/c1/operations', {
      body: { '@odata.type': '#microsoft.graph.connectionOperation', id: 'op-2', status: 'failed', error: failedError },
    });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${h.service.url}/connections/c1/operations/op-2`);
    const body = obj(res.json);
    expect(body).toMatchObject({ id: 'op-2', status: 'failed' });
    expect(body['error']).toEqual({ errorCode: 'E1', message: 'broken', details: [{ source: 's1', message: 'm1' }, { source: 's2', message: null }] });
    expect(body['@odata.context']).toBe(`${h.service.url}/$metadata#connections('c1')/operations/$entity`);
    expect(res.headers['etag']).toBe(body['@odata.etag']);
    expect(h.service.store.getOperation('c1', 'op-2')?.status).toBe('failed');
  });

  it('generates an id when none is given; status and error default to null', async () => {
    const res = await h.client.send('POST', '/external/connections/c1/operations', { body: {} });
    expect(res.status).toBe(201);
    const body = obj(res.json);
    expect(body['id']).toMatch(UUID);
    expect(body).toMatchObject({ status: null, error: null });
    expect(res.headers['location']).toBe(`${h.service.url}/external/connections/c1/operations/${String(body['id'])}`);
  });

  it('409 Conflict when the id exists', async () => {
    const res = await h.client.send('POST', '/connections/c1/operations', { body: { id: 'op-1' } });
    expect(res.status).toBe(409);
    expect(graphError(res).code).toBe('Conflict');
  });

  it('404 for an unknown connection', async () => {
    const res = await h.client.send('POST', '/connections/nope/operations', { body: { id: 'x' } });
    expect(res.status).toBe(404);
    expect(graphError(res).code).toBe('itemNotFound');
  });

  it.each([
    ['bad JSON', '{"id": ', 'not valid JSON'],
    ['empty body', '', 'empty'],
    ['an array', [], 'JSON object'],
    ['unknown property', { id: 'x', name: 'n' }, "The property 'name' does not exist on type 'microsoft.graph.connectionOperation'."],
    ['unknown status', { status: 'paused' }, "Cannot convert the literal \"paused\""],
    ['status in wrong case', { status: 'Failed' }, 'Cannot convert'],
    ['numeric status', { status: 3 }, 'Cannot convert'],
    ['id not a string', { id: 7 }, "'id' must be a non-empty string"],
    ['error not an object', { error: 'x' }, "'error' must be a JSON object"],
    ['unknown error property', { error: { code: 'x' } }, "'code' does not exist on type 'microsoft.graph.errorDetail'"],
    ['details not an array', { error: { details: {} } }, "'details'"],
    ['bad inner detail', { error: { details: [{ source: 1 }] } }, "'source' of type 'microsoft.graph.innerErrorDetail'"],
    ['wrong @odata.type', { '@odata.type': '#microsoft.graph.user' }, 'does not match'],
  ])('400 for %s', async (_name, body, message) => {
    const res = await h.client.send('POST', '/connections/c1/operations', { body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(graphError(res).code).toBe('BadRequest');
    expect(graphError(res).message).toContain(message);
  });

  it('annotations are ignored', async () => {
    const res = await h.client.send('POST', '/connections/c1/operations', {
      body: { id: 'ann', 'status@odata.type': '#microsoft.graph.connectionOperationStatus', status: 'completed', '@odata.etag': 'W/"x"' },
    });
    expect(res.status).toBe(201);
  });

  it('415 for a non-JSON content type', async () => {
    const res = await h.client.send('POST', '/connections/c1/operations', { body: 'id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });
});

describe('POST …/operations/$ref', () => {
  it('adds the operation like a create: 201, then 409', async () => {
    const body = { '@odata.type': '#microsoft.graph.connectionOperation', id: 'ref-1', status: 'completed' };
    const res = await h.client.send('POST', '/connections/c1/operations/$ref', { body });
    expect(res.status).toBe(201);
    expect(obj(res.json)).toMatchObject({ id: 'ref-1', status: 'completed' });
    expect(res.headers['location']).toBe(`${h.service.url}/connections/c1/operations/ref-1`);
    expect((await h.client.send('POST', '/external/connections/c1/operations/$ref', { body })).status).toBe(409);
    expect((await h.client.get('/connections/c1/operations/$ref')).status).toBe(405);
  });
});

describe('PATCH …/operations/{id}', () => {
  it('merges and returns 200 with the entity', async () => {
    const res = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { error: failedError } });
    expect(res.status).toBe(200);
    expect(obj(res.json)).toMatchObject({ id: 'op-1', status: 'inprogress', error: { errorCode: 'E1' } });
    const res2 = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { status: 'failed' } });
    expect(obj(res2.json)).toMatchObject({ status: 'failed', error: { errorCode: 'E1' } });
    const cleared = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { error: null } });
    expect(obj(cleared.json)['error']).toBeNull();
  });

  it('204 with Prefer: return=minimal', async () => {
    const res = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { status: 'completed' }, headers: { prefer: 'return=minimal' } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['preference-applied']).toBe('return=minimal');
    expect(res.headers['etag']).toBe(h.service.store.getOperation('c1', 'op-1')?.etag);
    expect(h.service.store.getOperation('c1', 'op-1')?.status).toBe('completed');
  });

  it('404 for unknown operation or connection; 400 for a changed key', async () => {
    expect((await h.client.send('PATCH', '/connections/c1/operations/nope', { body: { status: 'failed' } })).status).toBe(404);
    expect((await h.client.send('PATCH', '/connections/nope/operations/op-1', { body: { status: 'failed' } })).status).toBe(404);
    expect((await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { id: 'other' } })).status).toBe(400);
    expect((await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { id: 'op-1' } })).status).toBe(200);
  });
});

describe('DELETE …/operations/{id}', () => {
  it('204, then 404', async () => {
    const res = await h.client.send('DELETE', '/connections/c1/operations/op-1');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await h.client.get('/connections/c1/operations/op-1')).status).toBe(404);
    expect((await h.client.send('DELETE', '/connections/c1/operations/op-1')).status).toBe(404);
  });
});

describe('ETags and If-Match', () => {
  it('the etag changes on every write', async () => {
    const seen = new Set<string>();
    const etagOf = async () => String(obj((await h.client.get('/connections/c1/operations/op-1')).json)['@odata.etag']);
    seen.add(await etagOf());
    for (let i = 0; i < 3; i++) {
      const res = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { status: 'inprogress' } });
      const etag = String(obj(res.json)['@odata.etag']);
      expect(etag).toMatch(/^W\/"\d+"$/);
      expect(seen.has(etag)).toBe(false);
      seen.add(etag);
      expect(await etagOf()).toBe(etag);
    }
    // delete + re-create never revives an old etag
    await h.client.send('DELETE', '/connections/c1/operations/op-1');
    const recreated = await h.client.send('POST', '/connections/c1/operations', { body: { id: 'op-1' } });
    expect(seen.has(String(obj(recreated.json)['@odata.etag']))).toBe(false);
  });

  it('If-Match mismatch is 412; the current etag and * succeed', async () => {
    const current = h.service.store.getOperation('c1', 'op-1')?.etag ?? '';
    const stale = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { status: 'failed' }, headers: { 'if-match': 'W/"999999"' } });
    expect(stale.status).toBe(412);
    expect(graphError(stale).code).toBe('PreconditionFailed');
    expect(h.service.store.getOperation('c1', 'op-1')?.status).toBe('inprogress');

    const ok = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { status: 'failed' }, headers: { 'if-match': current } });
    expect(ok.status).toBe(200);
    const star = await h.client.send('PATCH', '/connections/c1/operations/op-1', { body: { status: 'completed' }, headers: { 'if-match': '*' } });
    expect(star.status).toBe(200);

    const deleteStale = await h.client.send('DELETE', '/connections/c1/operations/op-1', { headers: { 'if-match': current } });
    expect(deleteStale.status).toBe(412);
    const latest = String(obj(star.json)['@odata.etag']);
    expect((await h.client.send('DELETE', '/connections/c1/operations/op-1', { headers: { 'if-match': `W/"1", ${latest}` } })).status).toBe(204);
  });

  it('If-Match: * on a missing operation is still 404', async () => {
    expect((await h.client.send('DELETE', '/connections/c1/operations/none', { headers: { 'if-match': '*' } })).status).toBe(404);
  });
});

describe('store API', () => {
  it('putOperation accepts any status string (evolved upstream) and serves it', async () => {
    h.service.store.putOperation('c1', { id: 'evolved', status: 'paused' });
    const res = await h.client.get('/connections/c1/operations/evolved');
    expect(obj(res.json)['status']).toBe('paused');
  });

  it('hands out copies', () => {
    const op = h.service.store.getOperation('c1', 'op-1');
    if (!op) throw new Error('missing');
    op.status = 'mutated';
    expect(h.service.store.getOperation('c1', 'op-1')?.status).toBe('inprogress');
    expect(h.service.store.allOperations().map((o) => `${o.connectionId}/${o.id}`)).toEqual(['c1/op-1']);
  });

  it('seedSampleData loads 3 connections, every status, failed errors with 2 details, a 25+ connection', () => {
    h.service.store.clear();
    h.service.store.seedSampleData();
    const all = h.service.store.allOperations();
    expect(new Set(all.map((op) => op.connectionId))).toEqual(new Set(['contosohr', 'contosotickets', 'fabrikamwiki']));
    expect(new Set(all.map((op) => op.status))).toEqual(new Set(['unspecified', 'inprogress', 'completed', 'failed', 'unknownFutureValue']));
    for (const op of all.filter((o) => o.status === 'failed')) expect(op.error?.details).toHaveLength(2);
    expect(h.service.store.listOperations('contosohr').length).toBeGreaterThanOrEqual(25);
  });
});
