/** externalConnection resources: `$select` on one and on the collection, `$top $count`, next links, `$batch` parts (paging in depth: service-paging.test.ts). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, obj, startService, values } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startService();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.service.reset();
  for (let n = 1; n <= 5; n++) h.service.store.putConnection({ id: `c${n}`, name: `Connection ${n}`, description: `d${n}`, state: n === 5 ? 'paused' : 'ready' });
});

describe('externalConnection resources', () => {
  it('reads one connection with $select under both families (the key always comes back)', async () => {
    for (const family of ['/connections', '/external/connections']) {
      const one = await h.client.get(`${family}/c2?$select=state`);
      expect(one.status).toBe(200);
      const body = obj(one.json);
      expect(body).toMatchObject({ id: 'c2', state: 'ready' });
      expect(body).not.toHaveProperty('name');
      expect(body['@odata.context']).toBe(`${h.service.url}/$metadata#${family.slice(1)}(id,state)/$entity`);
    }
    expect((await h.client.get('/connections/c2?$select=nope')).status).toBe(400);
    expect((await h.client.get('/connections/c2?$top=1')).status).toBe(400);
    expect((await h.client.get('/connections/zz')).status).toBe(404);
  });

  it('pages the collection with $top and $count, next links keeping the options', async () => {
    const first = await h.client.get('/connections?$select=name&$top=2&$count=true');
    expect(first.status).toBe(200);
    const etag = (id: string) => h.service.store.getConnection(id)!.etag;
    expect(values(first)).toEqual([{ '@odata.etag': etag('c1'), id: 'c1', name: 'Connection 1' }, { '@odata.etag': etag('c2'), id: 'c2', name: 'Connection 2' }]);
    expect(obj(first.json)['@odata.count']).toBe(5);
    const next = obj(first.json)['@odata.nextLink'] as string;
    expect(next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/beta\/connections\?\$select=name&\$top=2&\$count=true&\$skiptoken=[A-Za-z0-9_-]+$/);
    const second = await h.client.send('GET', next);
    expect(values(second)).toEqual([{ '@odata.etag': etag('c3'), id: 'c3', name: 'Connection 3' }]); // uneven: the second page holds one less
    expect(obj(second.json)['@odata.count']).toBe(5);
    expect((await h.client.get('/connections?$filter=id%20eq%20%27c1%27')).status).toBe(400);
    expect((await h.client.get('/connections?$orderby=id')).status).toBe(400);
  });

  it('answers connection reads inside $batch', async () => {
    const res = await h.client.send('POST', '/$batch', {
      body: { requests: [{ id: '1', method: 'GET', url: '/connections/c5?$select=state' }, { id: '2', method: 'GET', url: '/external/connections?$top=1' }] },
    });
    expect(res.status).toBe(200);
    const responses = obj(res.json)['responses'] as Array<{ id: string; status: number; body: Record<string, unknown> }>;
    const byId = new Map(responses.map((r) => [r.id, r]));
    expect(byId.get('1')!.body).toMatchObject({ id: 'c5', state: 'paused' });
    expect((byId.get('2')!.body['value'] as unknown[]).length).toBe(1);
  });
});
