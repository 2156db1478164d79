import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, UUID, graphError, ids, obj, q, startService, values } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startService();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.service.reset();
  h.service.store.addConnection('c1', 'Connection one');
  const statuses = ['completed', 'failed', 'inprogress', 'unspecified', 'unknownFutureValue', 'failed'];
  statuses.forEach((status, i) => h.service.store.putOperation('c1', { id: `op-${i}`, status }));
  h.service.store.putOperation('c1', { id: "it's", status: 'completed' });
});

describe('service document and $metadata', () => {
  it('serves the service document', async () => {
    const res = await h.client.get('');
    expect(res.status).toBe(200);
    expect(obj(res.json)['@odata.context']).toBe(`${h.service.url}/$metadata`);
    expect(values(res).map((v) => v['name'])).toEqual(['connections', 'external']);
    expect((await h.client.get('/')).status).toBe(200);
  });

  it('serves CSDL XML with every type of the contract', async () => {
    const res = await h.client.get('/$metadata');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const xml = res.text;
    expect(xml).toContain('<edmx:Edmx Version="4.0"');
    expect(xml).toContain('<Schema Namespace="microsoft.graph"');
    expect(xml).toMatch(/<EnumType Name="connectionOperationStatus">\s*<Member Name="unspecified" Value="0"\/>\s*<Member Name="inprogress" Value="1"\/>\s*<Member Name="completed" Value="2"\/>\s*<Member Name="failed" Value="3"\/>\s*<Member Name="unknownFutureValue" Value="4"\/>/);
    expect(xml).toContain('<ComplexType Name="errorDetail">');
    expect(xml).toContain('<Property Name="details" Type="Collection(microsoft.graph.innerErrorDetail)"/>');
    expect(xml).toContain('<ComplexType Name="innerErrorDetail">');
    expect(xml).toMatch(/<EntityType Name="connectionOperation">\s*<Key>\s*<PropertyRef Name="id"\/>/);
    expect(xml).toContain('<Property Name="status" Type="microsoft.graph.connectionOperationStatus"/>');
    expect(xml).toContain('<Property Name="error" Type="microsoft.graph.errorDetail"/>');
    expect(xml).toContain('<NavigationProperty Name="operations" Type="Collection(microsoft.graph.connectionOperation)" ContainsTarget="true"/>');
    expect(xml).toContain('<EntitySet Name="connections" EntityType="microsoft.graph.externalConnection"/>');
    expect(xml).toContain('<Singleton Name="external" Type="microsoft.graph.externalConnectors.external">');
    expect(xml).toMatch(/<EnumType Name="connectionState">\s*<Member Name="draft" Value="1"\/>\s*<Member Name="ready" Value="2"\/>\s*<Member Name="obsolete" Value="3"\/>\s*<Member Name="limitExceeded" Value="4"\/>\s*<Member Name="unknownFutureValue" Value="5"\/>/);
    expect(xml).toContain('<Property Name="description" Type="Edm.String"/>');
    expect(xml).toContain('<Property Name="state" Type="microsoft.graph.connectionState"/>');
    // The schema of a connection, in the same namespace.
    expect(xml).toContain('<NavigationProperty Name="schema" Type="microsoft.graph.schema" ContainsTarget="true"/>');
    expect(xml).toMatch(
      /<EntityType Name="schema">\s*<Key>\s*<PropertyRef Name="id"\/>\s*<\/Key>\s*<Property Name="id" Type="Edm.String" Nullable="false"\/>\s*<Property Name="baseType" Type="Edm.String" Nullable="false"\/>\s*<Property Name="properties" Type="Collection\(microsoft.graph.property\)"\/>\s*<\/EntityType>/,
    );
    expect(xml).toMatch(
      /<ComplexType Name="property">\s*<Property Name="aliases" Type="Collection\(Edm.String\)"\/>\s*<Property Name="isExactMatchRequired" Type="Edm.Boolean"\/>\s*<Property Name="isQueryable" Type="Edm.Boolean"\/>\s*<Property Name="isRefinable" Type="Edm.Boolean"\/>\s*<Property Name="isRetrievable" Type="Edm.Boolean"\/>\s*<Property Name="isSearchable" Type="Edm.Boolean"\/>\s*<Property Name="labels" Type="Collection\(microsoft.graph.label\)"\/>\s*<Property Name="name" Type="Edm.String" Nullable="false"\/>\s*<Property Name="type" Type="microsoft.graph.propertyType" Nullable="false"\/>\s*<\/ComplexType>/,
    );
    expect(xml).toMatch(/<EnumType Name="propertyType">\s*<Member Name="string" Value="0"\/>[\s\S]*<Member Name="dateTimeCollection" Value="8"\/>\s*<Member Name="unknownFutureValue" Value="9"\/>\s*<\/EnumType>/);
    expect(xml).toMatch(/<EnumType Name="label">\s*<Member Name="title" Value="0"\/>[\s\S]*<Member Name="fileExtension" Value="8"\/>\s*<Member Name="unknownFutureValue" Value="12"\/>\s*<Member Name="containerName" Value="13"\/>\s*<Member Name="containerUrl" Value="14"\/>\s*<Member Name="iconUrl" Value="15"\/>\s*<\/EnumType>/);
    // Well-formed: every element opened is closed, in order.
    const stack: string[] = [];
    for (const [, close, name, selfClosing] of xml.matchAll(/<(\/?)([A-Za-z:]+)[^>]*?(\/?)>/g)) {
      if (close) expect(stack.pop()).toBe(name);
      else if (!selfClosing) stack.push(name ?? '');
    }
    expect(stack).toEqual([]);
  });
});

describe('common response headers', () => {
  it('every response carries a request-id and JSON content type', async () => {
    for (const path of ['', '/connections', '/connections/c1/operations', '/connections/nope', '/nope', '/connections/c1/operations?$top=x']) {
      const res = await h.client.get(path);
      expect(res.headers['request-id'], path).toMatch(UUID);
      expect(res.headers['content-type'], path).toMatch(/^application\/json/);
      expect(res.headers['odata-version']).toBe('4.0');
    }
    const res = await h.client.send('DELETE', '/connections/c1/operations/op-0');
    expect(res.status).toBe(204);
    expect(res.headers['request-id']).toMatch(UUID);
  });

  it('echoes client-request-id in the header and in error bodies', async () => {
    const ok = await h.client.get('/connections/c1', { headers: { 'client-request-id': 'abc-123' } });
    expect(ok.headers['client-request-id']).toBe('abc-123');
    const missing = await h.client.get('/connections/zzz', { headers: { 'client-request-id': 'abc-456' } });
    const error = graphError(missing);
    expect(error.innerError['client-request-id']).toBe('abc-456');
    expect(error.innerError['request-id']).toBe(missing.headers['request-id']);
    expect(error.innerError['date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const without = await h.client.get('/connections/zzz');
    expect(without.headers['client-request-id']).toBeUndefined();
    expect(graphError(without).innerError).not.toHaveProperty('client-request-id');
  });
});

describe('connections and path families', () => {
  it('lists and gets connections under both families', async () => {
    for (const family of ['/connections', '/external/connections']) {
      const list = await h.client.get(family);
      expect(list.status).toBe(200);
      const etag = h.service.store.getConnection('c1')!.etag;
      expect(etag).toMatch(/^W\/"\d+"$/);
      expect(values(list)).toEqual([{ '@odata.etag': etag, id: 'c1', name: 'Connection one', description: null, state: 'ready' }]);
      const one = await h.client.get(`${family}/c1`);
      expect(obj(one.json)).toMatchObject({ '@odata.etag': etag, id: 'c1', name: 'Connection one' });
      expect(one.headers['etag']).toBe(etag);
      expect((await h.client.get(`${family}('c1')`)).status).toBe(200);
    }
    expect((await h.client.get('/external')).status).toBe(200);
  });

  it('both families address the same operations', async () => {
    const a = await h.client.get('/connections/c1/operations');
    const b = await h.client.get('/external/connections/c1/operations');
    expect(ids(a)).toEqual(ids(b));
    expect(obj(b.json)['@odata.context']).toBe(`${h.service.url}/$metadata#external/connections('c1')/operations`);
    await h.client.send('PATCH', '/external/connections/c1/operations/op-0', { body: { status: 'failed' } });
    expect(obj((await h.client.get('/connections/c1/operations/op-0')).json)['status']).toBe('failed');
  });

  it('404 with a Graph error body for unknown connections, operations and routes', async () => {
    const cases: Array<[string, string]> = [
      ['/connections/zzz', 'itemNotFound'],
      ['/connections/zzz/operations', 'itemNotFound'],
      ['/connections/c1/operations/nope', 'itemNotFound'],
      ['/external/connections/zzz/operations/x', 'itemNotFound'],
      ['/whatever', 'BadRequest'],
      ['/connections/c1/items', 'BadRequest'],
      ['/$test/requests', 'BadRequest'],
    ];
    for (const [path, code] of cases) {
      const res = await h.client.get(path);
      expect(res.status, path).toBe(404);
      expect(graphError(res).code, path).toBe(code);
      expect(graphError(res).innerError['request-id']).toBe(res.headers['request-id']);
    }
    expect(graphError(await h.client.get('/whatever')).message).toBe("Resource not found for the segment 'whatever'.");
    const outside = await h.client.send('GET', `${h.client.origin}/v1.0/connections`);
    expect(outside.status).toBe(404);
  });

  it('405 with Allow for unsupported methods', async () => {
    const res = await h.client.send('PUT', '/connections/c1/operations/op-0', { body: { status: 'failed' } });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, PATCH, DELETE');
    expect(graphError(res).code).toBe('MethodNotAllowed');
    expect((await h.client.send('DELETE', '/connections/c1/operations')).status).toBe(405);
    expect((await h.client.send('POST', '/$metadata', { body: {} })).status).toBe(405);
  });
});

describe('operations collection query options', () => {
  it('returns entities with etag, id, status, error', async () => {
    const res = await h.client.get('/connections/c1/operations');
    expect(res.status).toBe(200);
    const body = obj(res.json);
    expect(body['@odata.context']).toBe(`${h.service.url}/$metadata#connections('c1')/operations`);
    expect(body).not.toHaveProperty('@odata.nextLink');
    expect(body).not.toHaveProperty('@odata.count');
    expect(values(res)[0]).toEqual({ '@odata.etag': expect.stringMatching(/^W\/".+"$/), id: 'op-0', status: 'completed', error: null });
  });

  it('$select restricts properties but always includes the key', async () => {
    const res = await h.client.get(`/connections/c1/operations?${q({ $select: 'status' })}`);
    expect(obj(res.json)['@odata.context']).toBe(`${h.service.url}/$metadata#connections('c1')/operations(id,status)`);
    for (const item of values(res)) expect(Object.keys(item).sort()).toEqual(['@odata.etag', 'id', 'status']);
    const one = await h.client.get(`/connections/c1/operations/op-1?${q({ $select: 'error,id' })}`);
    expect(Object.keys(obj(one.json)).sort()).toEqual(['@odata.context', '@odata.etag', 'error', 'id']);
    const bad = await h.client.get(`/connections/c1/operations?${q({ $select: 'id,name' })}`);
    expect(bad.status).toBe(400);
    expect(graphError(bad).code).toBe('BadRequest');
  });

  it('$filter with eq, ne, in, and, or, not, parentheses and quoted literals', async () => {
    const f = async (filter: string) => ids(await h.client.get(`/connections/c1/operations?${q({ $filter: filter })}`));
    expect(await f("status eq 'failed'")).toEqual(['op-1', 'op-5']);
    expect(await f("status ne 'failed' and status ne 'completed'")).toEqual(['op-2', 'op-3', 'op-4']);
    expect(await f("id in ('op-0','op-3')")).toEqual(['op-0', 'op-3']);
    expect(await f("(id eq 'op-0' or id eq 'op-1') and not status eq 'failed'")).toEqual(['op-0']);
    expect(await f("id eq 'it''s'")).toEqual(["it's"]);
    expect(await f("status eq microsoft.graph.connectionOperationStatus'unknownFutureValue'")).toEqual(['op-4']);
    // + as space, the way URLSearchParams encodes
    expect(ids(await h.client.get("/connections/c1/operations?$filter=status+eq+'inprogress'"))).toEqual(['op-2']);
  });

  it('unsupported $filter is a 400 with an OData body', async () => {
    for (const filter of ["contains(id,'op')", "id gt 'a'", "name eq 'x'", "status eq 'done'", "id eq 'x"]) {
      const res = await h.client.get(`/connections/c1/operations?${q({ $filter: filter })}`);
      expect(res.status, filter).toBe(400);
      const error = graphError(res);
      expect(error.code).toBe('BadRequest');
      expect(error.message).toMatch(/^Invalid \$filter/);
    }
  });

  it('$orderby with several keys and desc', async () => {
    const res = await h.client.get(`/connections/c1/operations?${q({ $orderby: 'status desc,id desc', $select: 'status' })}`);
    expect(values(res).map((v) => `${String(v['status'])}:${String(v['id'])}`)).toEqual([
      'unknownFutureValue:op-4',
      'failed:op-5',
      'failed:op-1',
      'completed:op-0',
      "completed:it's",
      'inprogress:op-2',
      'unspecified:op-3',
    ]);
    const byId = await h.client.get(`/connections/c1/operations?${q({ $orderby: 'id' })}`);
    expect(ids(byId)).toEqual(["it's", 'op-0', 'op-1', 'op-2', 'op-3', 'op-4', 'op-5']);
  });

  it('$top (a page size) and $count', async () => {
    const res = await h.client.get(`/connections/c1/operations?${q({ $top: '2', $count: 'true', $filter: "status ne 'unspecified'" })}`);
    const body = obj(res.json);
    expect(body['@odata.count']).toBe(6);
    expect(ids(res)).toEqual(['op-0', 'op-1']);
    // Graph semantics: $top is the page size, more remain → a next link
    expect(body['@odata.nextLink']).toEqual(expect.stringContaining('$skiptoken='));
    const all = await h.client.get(`/connections/c1/operations?${q({ $top: '10' })}`);
    expect(ids(all)).toHaveLength(7);
    expect(obj(all.json)).not.toHaveProperty('@odata.nextLink');
    expect(ids(await h.client.get('/connections/c1/operations?$top=0'))).toEqual([]);
    const count = await h.client.get(`/connections/c1/operations/$count?${q({ $filter: "status eq 'failed'" })}`);
    expect(count.text).toBe('2');
    expect((await h.client.get('/connections/c1/operations/$count')).text).toBe('7');
  });

  it('rejects unknown and unsupported $-options', async () => {
    for (const query of ['$expand=x', '$foo=1', '$top=-3', '$count=maybe', '$search=x']) {
      const res = await h.client.get(`/connections/c1/operations?${query}`);
      expect(res.status, query).toBe(400);
      expect(graphError(res).code).toBe('BadRequest');
    }
    expect((await h.client.get('/connections/c1/operations/op-0?$top=1')).status).toBe(400);
    expect((await h.client.get('/connections/c1/operations?custom=1')).status).toBe(200);
  });
});
