/**
 * Connections, schemas and the operations Graph starts itself, over real loopback HTTP in both modes: create a
 * connection, register its schema (202 + Location of an operation that settles after `operationDelayMs`),
 * read it, delete the connection (202 + Location again); the 400/404/409/412 cases, the lifecycle switches,
 * the `graph` operations API (v1.0's default) and `operationsApi: 'seed'`, `$batch` parts, the control
 * endpoint, and the timers of close() and reset().
 *
 * Most tests use `operationDelayMs: Infinity` and `settleOperations()`, so nothing depends on timing; the
 * tests of the delay itself use short real delays.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createODataService } from '../src/service.js';
import type { ApiVersion } from '../src/model.js';
import { type Harness, type HttpResult, TestClient, UUID, arr, graphError, obj, startService, values } from './helpers.js';

const BASE = 'microsoft.graph.externalItem';
const SCHEMA = {
  baseType: BASE,
  properties: [
    { name: 'ticketTitle', type: 'string', isSearchable: true, isRetrievable: true, labels: ['title'] },
    { name: 'priority', type: 'string', isQueryable: true, isRetrievable: true, isSearchable: false, isRefinable: true, aliases: ['urgency'] },
    { name: 'assignee', type: 'string', isRetrievable: true },
  ],
};
/** SCHEMA as registered and read back: every field of every property. */
const REGISTERED = [
  { name: 'ticketTitle', type: 'string', isSearchable: true, isQueryable: false, isRetrievable: true, isRefinable: false, isExactMatchRequired: false, labels: ['title'], aliases: [] },
  { name: 'priority', type: 'string', isSearchable: false, isQueryable: true, isRetrievable: true, isRefinable: true, isExactMatchRequired: false, labels: [], aliases: ['urgency'] },
  { name: 'assignee', type: 'string', isSearchable: false, isQueryable: false, isRetrievable: true, isRefinable: false, isExactMatchRequired: false, labels: [], aliases: [] },
];
/** Breaks two rules: searchable and refinable at once, and a searchable int64. */
const INVALID = {
  baseType: BASE,
  properties: [
    { name: 'title', type: 'string', isSearchable: true, isRefinable: true },
    { name: 'count', type: 'int64', isSearchable: true },
  ],
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The operation a Location names: [connection id, operation id], after checking it is `{root}{family}/{cid}/operations/{uuid}`. */
function operationOf(res: HttpResult, root: string, family: string): [string, string] {
  const location = res.headers['location'] ?? '';
  const match = new RegExp(`^${root.replace(/[.]/g, '\\.')}${family}/([^/]+)/operations/([^/]+)$`).exec(location);
  if (!match) throw new Error(`unexpected Location ${JSON.stringify(location)}`);
  expect(match[2]).toMatch(UUID);
  return [decodeURIComponent(match[1]!), match[2]!];
}

interface Mode {
  apiVersion: ApiVersion;
  families: string[];
  /** The error a failed registration stores, for INVALID. */
  failure: unknown;
}

const MODES: Mode[] = [
  {
    apiVersion: 'beta',
    families: ['/connections', '/external/connections'],
    failure: {
      errorCode: 'InvalidSchema',
      message: 'The schema was not registered: it has 2 problems (see details).',
      details: [
        { source: 'properties/title', message: "The property 'title' cannot be both searchable and refinable." },
        { source: 'properties/count', message: "The property 'count' of type int64 cannot be searchable: only string and stringCollection properties can." },
      ],
    },
  },
  {
    apiVersion: 'v1.0',
    families: ['/external/connections'],
    failure: {
      code: 'InvalidSchema',
      message: 'The schema was not registered: it has 2 problems (see details).',
      details: [
        { code: 'SearchableAndRefinable', message: "The property 'title' cannot be both searchable and refinable.", target: 'properties/title' },
        { code: 'InvalidSearchableProperty', message: "The property 'count' of type int64 cannot be searchable: only string and stringCollection properties can.", target: 'properties/count' },
      ],
    },
  },
];

describe.each(MODES)('the lifecycle in the $apiVersion mode', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ apiVersion: mode.apiVersion, operationDelayMs: Number.POSITIVE_INFINITY });
  });
  afterAll(() => h.close());
  beforeEach(() => h.service.reset());

  describe.each(mode.families)('under %s', (family) => {
    it('create → register (202) → inprogress → completed → schema readable → delete (202) → the connection and its operations 404', async () => {
      const c = h.client;
      const created = await c.send('POST', family, { body: { '@odata.type': '#microsoft.graph.externalConnectors.externalConnection', id: 'contosohr', name: 'Contoso HR', description: 'HR' } });
      expect(created.status).toBe(201);
      expect(created.headers['location']).toBe(`${h.service.url}${family}/contosohr`);
      const connection = obj(created.json);
      expect(connection).toEqual({
        '@odata.context': `${h.service.url}/$metadata#${family.slice(1)}/$entity`,
        '@odata.etag': created.headers['etag'],
        id: 'contosohr',
        name: 'Contoso HR',
        description: 'HR',
        state: 'draft',
      });
      expect(obj((await c.get(`${family}/contosohr`)).json)['state']).toBe('draft');
      expect(graphError(await c.get(`${family}/contosohr/schema`)).code).toBe('itemNotFound');

      const registered = await c.send('PATCH', `${family}/contosohr/schema`, { body: SCHEMA });
      expect(registered.status).toBe(202);
      expect(registered.text).toBe('');
      // An empty answer, said as Graph says it: not chunked.
      expect(registered.headers['content-length']).toBe('0');
      expect(registered.headers['transfer-encoding']).toBeUndefined();
      const [cid, registration] = operationOf(registered, h.service.url, family);
      expect(cid).toBe('contosohr');
      const running = await c.get(`${family}/contosohr/operations/${registration}`);
      expect(running.status).toBe(200);
      expect(obj(running.json)).toMatchObject({ id: registration, status: 'inprogress', error: null });
      expect(running.headers['etag']).toBe(obj(running.json)['@odata.etag']);
      expect((await c.get(`${family}/contosohr/schema`)).status).toBe(404);

      expect(h.service.settleOperations()).toBe(1);
      expect(obj((await c.get(`${family}/contosohr/operations/${registration}`)).json)).toMatchObject({ status: 'completed', error: null });
      const schema = await c.get(`${family}/contosohr/schema`);
      expect(schema.status).toBe(200);
      expect(obj(schema.json)).toEqual({ '@odata.context': `${h.service.url}/$metadata#${family.slice(1)}('contosohr')/schema/$entity`, baseType: BASE, properties: REGISTERED });
      const ready = await c.get(`${family}/contosohr`);
      expect(obj(ready.json)['state']).toBe('ready');
      expect(ready.headers['etag']).not.toBe(created.headers['etag']);

      const deleted = await c.send('DELETE', `${family}/contosohr`);
      expect(deleted.status).toBe(202);
      expect(deleted.text).toBe('');
      expect(deleted.headers['content-length']).toBe('0');
      const [, deletion] = operationOf(deleted, h.service.url, family);
      expect(obj((await c.get(`${family}/contosohr/operations/${deletion}`)).json)).toMatchObject({ status: 'inprogress' });
      expect((await c.get(`${family}/contosohr`)).status).toBe(200); // still there until the operation settles
      expect(h.service.settleOperations()).toBe(1);
      for (const path of [`${family}/contosohr`, `${family}/contosohr/schema`, `${family}/contosohr/operations/${deletion}`, `${family}/contosohr/operations/${registration}`]) {
        const gone = await c.get(path);
        expect(gone.status, path).toBe(404);
        expect(graphError(gone).code, path).toBe('itemNotFound');
      }
      expect(h.service.store.getConnection('contosohr')).toBeUndefined();
    });

    it('a schema that breaks the rules: the operation fails with the problems, and no schema is left', async () => {
      h.service.store.insertConnection({ id: 'c1', name: 'C1' });
      const res = await h.client.send('PATCH', `${family}/c1/schema`, { body: INVALID });
      expect(res.status).toBe(202);
      const [, id] = operationOf(res, h.service.url, family);
      h.service.settleOperations();
      const op = obj((await h.client.get(`${family}/c1/operations/${id}`)).json);
      expect(op['status']).toBe('failed');
      expect(op['error']).toEqual(mode.failure);
      expect((await h.client.get(`${family}/c1/schema`)).status).toBe(404);
      expect(obj((await h.client.get(`${family}/c1`)).json)['state']).toBe('draft');
      // The connection can register again afterwards.
      expect((await h.client.send('PATCH', `${family}/c1/schema`, { body: SCHEMA })).status).toBe(202);
    });

    it('registers with POST too (as beta pages show)', async () => {
      h.service.store.insertConnection({ id: 'c1', name: 'C1' });
      const res = await h.client.send('POST', `${family}/c1/schema`, { body: SCHEMA });
      expect(res.status).toBe(202);
      operationOf(res, h.service.url, family);
      h.service.settleOperations();
      expect(obj((await h.client.get(`${family}/c1/schema`)).json)['properties']).toEqual(REGISTERED);
    });
  });

  it('answers the operation in $batch parts the same way, and runs the lifecycle from them', async () => {
    const family = mode.families.at(-1)!;
    const res = await h.client.send('POST', '/$batch', {
      body: {
        requests: [
          { id: 'create', method: 'POST', url: family, body: { id: 'inbatch', name: 'In batch', description: 'd' }, headers: { 'content-type': 'application/json' } },
          { id: 'register', method: 'PATCH', url: `${family}/inbatch/schema`, body: SCHEMA, headers: { 'content-type': 'application/json' }, dependsOn: ['create'] },
        ],
      },
    });
    expect(res.status).toBe(200);
    const parts = new Map(arr(obj(res.json)['responses']).map((p) => [obj(p)['id'], obj(p)]));
    expect(parts.get('create')).toMatchObject({ status: 201, headers: { location: `${h.service.url}${family}/inbatch` } });
    const register = parts.get('register')!;
    expect(register['status']).toBe(202);
    expect(register['body']).toBeUndefined();
    const location = obj(register['headers'])['location'] as string;
    expect(location).toMatch(new RegExp(`^${h.service.url.replace(/[.]/g, '\\.')}${family}/inbatch/operations/[0-9a-f-]{36}$`));
    h.service.settleOperations();
    const read = await h.client.send('POST', '/$batch', {
      body: { requests: [{ id: 'op', method: 'GET', url: location }, { id: 'schema', method: 'GET', url: `${family}/inbatch/schema` }] },
    });
    const byId = new Map(arr(obj(read.json)['responses']).map((p) => [obj(p)['id'], obj(p)]));
    expect(obj(byId.get('op')!['body'])['status']).toBe('completed');
    expect(obj(byId.get('schema')!['body'])['properties']).toEqual(REGISTERED);
  });
});

describe('creating a connection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ operationDelayMs: Number.POSITIVE_INFINITY });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.service.reset();
    h.service.store.insertConnection({ id: 'taken', name: 'Taken' });
  });

  it('accepts 3 to 32 letters and digits, a 128-character name, and no or a null description', async () => {
    for (const [id, name, description] of [
      ['abc', 'n', undefined],
      ['A1234567890123456789012345678901', 'x'.repeat(128), null],
    ] as const) {
      const res = await h.client.send('POST', '/connections', { body: description === undefined ? { id, name } : { id, name, description } });
      expect(res.status, id).toBe(201);
      expect(obj(res.json)).toMatchObject({ id, name, description: null, state: 'draft' });
    }
    expect((await h.client.send('POST', '/connections', { body: { '@odata.type': 'microsoft.graph.externalConnection', id: 'typed', name: 'n' } })).status).toBe(201);
  });

  it('409 Conflict when the id exists, nothing changed', async () => {
    const before = h.service.store.getConnection('taken');
    const res = await h.client.send('POST', '/external/connections', { body: { id: 'taken', name: 'Other' } });
    expect(res.status).toBe(409);
    expect(graphError(res)).toMatchObject({ code: 'Conflict', message: "A connection with id 'taken' already exists." });
    expect(h.service.store.getConnection('taken')).toEqual(before);
  });

  it.each([
    ['not JSON', '{"id":', 'not valid JSON'],
    ['no body', '', 'empty'],
    ['an array', [], "must be a JSON object of type 'microsoft.graph.externalConnection'"],
    ['no id', { name: 'n' }, "The property 'id' is required"],
    ['a null id', { id: null, name: 'n' }, "The property 'id' is required"],
    ['an id of 2 characters', { id: 'ab', name: 'n' }, 'The connection id "ab" is not valid: it must be 3 to 32 characters, letters (A-Z, a-z) and digits only.'],
    ['an id of 33 characters', { id: 'a'.repeat(33), name: 'n' }, 'is not valid'],
    ['an id with a dash', { id: 'contoso-hr', name: 'n' }, 'is not valid'],
    ['an id with non-ASCII letters', { id: 'ünïcode', name: 'n' }, 'is not valid'],
    ['a numeric id', { id: 12345, name: 'n' }, 'The connection id 12345 is not valid'],
    ['no name', { id: 'abc' }, "The property 'name' is required"],
    ['an empty name', { id: 'abc', name: '' }, 'The connection name "" is not valid'],
    ['a blank name', { id: 'abc', name: '   ' }, 'is not valid'],
    ['a name of 129 characters', { id: 'abc', name: 'x'.repeat(129) }, 'must be a string of 1 to 128 characters'],
    ['a numeric name', { id: 'abc', name: 5 }, 'The connection name 5 is not valid'],
    ['a numeric description', { id: 'abc', name: 'n', description: 5 }, "'description' of type 'microsoft.graph.externalConnection' must be a string or null"],
    ['an unknown property', { id: 'abc', name: 'n', configuration: {} }, "The property 'configuration' does not exist on type 'microsoft.graph.externalConnection'."],
    ['another @odata.type', { '@odata.type': '#microsoft.graph.externalConnectors.schema', id: 'abc', name: 'n' }, 'does not match'],
  ])('400 for %s, nothing created', async (_name, body, message) => {
    const res = await h.client.send('POST', '/connections', { body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(graphError(res).message).toContain(message);
    expect(h.service.store.listConnections().map((c) => c.id)).toEqual(['taken']);
  });

  it('v1.0 requires a description, as Graph v1.0 documents: 400 without one or with null, nothing created', async () => {
    const v1 = await startService({ apiVersion: 'v1.0' });
    try {
      for (const body of [{ id: 'abc', name: 'n' }, { id: 'abc', name: 'n', description: null }]) {
        const res = await v1.client.send('POST', '/external/connections', { body });
        expect(res.status).toBe(400);
        expect(graphError(res).message).toContain("The property 'description' is required");
      }
      expect(v1.service.store.getConnection('abc')).toBeUndefined();
      expect((await v1.client.send('POST', '/external/connections', { body: { id: 'abc', name: 'n', description: '' } })).status).toBe(201);
    } finally {
      await v1.close();
    }
  });

  it('400 for a query option; 415 for another content type', async () => {
    expect((await h.client.send('POST', '/connections?$select=id', { body: { id: 'abc', name: 'n' } })).status).toBe(400);
    expect((await h.client.send('POST', '/connections', { body: '{"id":"abc","name":"n"}', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect(h.service.store.getConnection('abc')).toBeUndefined();
  });

  it('v1.0 names its own type, accepts the beta name too, and refuses the connections path family', async () => {
    const v1 = await startService({ apiVersion: 'v1.0' });
    try {
      const bad = await v1.client.send('POST', '/external/connections', { body: [] });
      expect(graphError(bad).message).toContain("'microsoft.graph.externalConnectors.externalConnection'");
      expect((await v1.client.send('POST', '/external/connections', { body: { '@odata.type': '#microsoft.graph.externalConnection', id: 'abc', name: 'n', description: 'd' } })).status).toBe(201);
      expect((await v1.client.send('POST', '/connections', { body: { id: 'abd', name: 'n', description: 'd' } })).status).toBe(404);
    } finally {
      await v1.close();
    }
  });
});

describe('registering a schema: refusals at once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ apiVersion: 'v1.0', operationDelayMs: Number.POSITIVE_INFINITY });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.service.reset();
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
  });

  /** Nothing was started: no operation in c1, none pending, no schema. */
  function nothingStarted(): void {
    expect(h.service.store.listOperations('c1')).toEqual([]);
    expect(h.service.settleOperations()).toBe(0);
    expect(h.service.store.getSchema('c1')).toBeUndefined();
  }

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['no body', '', 'empty'],
    ['wrong types', { baseType: BASE, properties: [{ name: 'a', type: 'string', isSearchable: 'yes' }] }, 'isSearchable must be true, false or null'],
    ['an unknown type', { baseType: BASE, properties: [{ name: 'a', type: 'text' }] }, 'cannot convert the literal "text"'],
    ['an unknown label', { baseType: BASE, properties: [{ name: 'a', type: 'string', labels: ['headline'] }] }, 'cannot convert the literal "headline"'],
    ['a property without a name', { baseType: BASE, properties: [{ type: 'string' }] }, "'name' is required"],
    ['a property without a type', { baseType: BASE, properties: [{ name: 'a' }] }, "'type' is required"],
    ['another baseType', { baseType: 'microsoft.graph.driveItem', properties: [] }, "'baseType' must be 'microsoft.graph.externalItem'"],
  ])('400 for %s, nothing started', async (_name, body, message) => {
    const res = await h.client.send('PATCH', '/external/connections/c1/schema', { body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(graphError(res)).toMatchObject({ code: 'BadRequest' });
    expect(graphError(res).message).toContain(message);
    nothingStarted();
  });

  it('400 beats 404: a bad body for an unknown connection is a 400; a good one a 404', async () => {
    expect((await h.client.send('PATCH', '/external/connections/nope/schema', { body: { baseType: 'x' } })).status).toBe(400);
    const missing = await h.client.send('PATCH', '/external/connections/nope/schema', { body: SCHEMA });
    expect(missing.status).toBe(404);
    expect(graphError(missing)).toMatchObject({ code: 'itemNotFound', message: "The connection 'nope' was not found." });
    expect(h.service.settleOperations()).toBe(0);
  });

  it('409 while a registration of the connection is running; another connection can register', async () => {
    const first = await h.client.send('PATCH', '/external/connections/c1/schema', { body: SCHEMA });
    const [, id] = operationOf(first, h.service.url, '/external/connections');
    const second = await h.client.send('PATCH', '/external/connections/c1/schema', { body: INVALID });
    expect(second.status).toBe(409);
    expect(graphError(second)).toMatchObject({ code: 'Conflict' });
    expect(graphError(second).message).toContain(`operation '${id}'`);
    expect(h.service.store.listOperations('c1').map((op) => op.id)).toEqual([id]);
    h.service.store.insertConnection({ id: 'c2', name: 'C2' });
    expect((await h.client.send('PATCH', '/external/connections/c2/schema', { body: SCHEMA })).status).toBe(202);
    h.service.settleOperations();
    expect(h.service.store.getSchema('c1')?.properties).toEqual(REGISTERED); // the first one's schema, not INVALID's
    expect((await h.client.send('PATCH', '/external/connections/c1/schema', { body: SCHEMA })).status).toBe(202); // ended: may register again
  });

  it('409 while the connection is being deleted', async () => {
    expect((await h.client.send('DELETE', '/external/connections/c1')).status).toBe(202);
    const res = await h.client.send('PATCH', '/external/connections/c1/schema', { body: SCHEMA });
    expect(res.status).toBe(409);
    expect(graphError(res).message).toBe("The connection 'c1' is being deleted.");
  });

  it('a query option is a 400; the schema has no key or children', async () => {
    expect((await h.client.get('/external/connections/c1/schema?$select=baseType')).status).toBe(400);
    expect((await h.client.send('PATCH', '/external/connections/c1/schema?$select=baseType', { body: SCHEMA })).status).toBe(400);
    expect((await h.client.get("/external/connections/c1/schema('x')")).status).toBe(404);
    const below = await h.client.get('/external/connections/c1/schema/properties');
    expect(below.status).toBe(404);
    expect(graphError(below).message).toBe("Resource not found for the segment 'properties'.");
    expect((await h.client.send('DELETE', '/external/connections/c1/schema')).status).toBe(405);
    nothingStarted();
  });
});

describe('reading schemas and connections', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ apiVersion: 'v1.0', seed: true });
  });
  afterAll(() => h.close());
  beforeEach(() => h.service.reset());

  it('404 for the schema of an unknown connection, and of a connection without one', async () => {
    const unknown = await h.client.get('/external/connections/nope/schema');
    expect(graphError(unknown)).toMatchObject({ code: 'itemNotFound', message: "The connection 'nope' was not found." });
    const none = await h.client.get('/external/connections/fabrikamwiki/schema');
    expect(none.status).toBe(404);
    expect(graphError(none)).toMatchObject({ code: 'itemNotFound', message: "The connection 'fabrikamwiki' has no schema registered." });
  });

  it("serves the sample data's schema", async () => {
    const res = await h.client.get('/external/connections/contosohr/schema');
    expect(res.status).toBe(200);
    const body = obj(res.json);
    expect(body['baseType']).toBe(BASE);
    expect(arr(body['properties']).map((p) => obj(p)['name'])).toEqual(['employeeName', 'profileUrl', 'department', 'skills', 'employeeId', 'hireDate', 'isManager']);
    expect(arr(body['properties'])[0]).toEqual({
      name: 'employeeName',
      type: 'string',
      isSearchable: true,
      isQueryable: true,
      isRetrievable: true,
      isRefinable: false,
      isExactMatchRequired: false,
      labels: ['title'],
      aliases: ['fullName'],
    });
  });

  it('renders members of an evolved Graph stored directly, and fills what a stored property lacks', async () => {
    h.service.store.putSchema('evolved', {
      baseType: BASE,
      properties: [{ name: 'who', type: 'principal', labels: ['personName', 'title'], aliases: null }, { name: 'bare', type: 'string' }],
    });
    const props = arr(obj((await h.client.get('/external/connections/evolved/schema')).json)['properties']);
    expect(props).toEqual([
      { name: 'who', type: 'principal', isSearchable: false, isQueryable: false, isRetrievable: false, isRefinable: false, isExactMatchRequired: false, labels: ['personName', 'title'], aliases: [] },
      { name: 'bare', type: 'string', isSearchable: false, isQueryable: false, isRetrievable: false, isRefinable: false, isExactMatchRequired: false, labels: [], aliases: [] },
    ]);
    h.service.store.putSchema('evolved', null);
    expect((await h.client.get('/external/connections/evolved/schema')).status).toBe(404);
  });

  it('connections carry an @odata.etag, in lists and alone (with an ETag header); every write changes it', async () => {
    const one = await h.client.get('/external/connections/contosohr');
    const etag = one.headers['etag']!;
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect(obj(one.json)['@odata.etag']).toBe(etag);
    expect(values(await h.client.get('/external/connections?$select=name')).find((c) => c['id'] === 'contosohr')).toEqual({ '@odata.etag': etag, id: 'contosohr', name: 'Contoso HR' });
    h.service.store.putConnection({ id: 'contosohr', state: 'obsolete' });
    expect((await h.client.get('/external/connections/contosohr')).headers['etag']).not.toBe(etag);
  });
});

describe('deleting a connection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ operationDelayMs: Number.POSITIVE_INFINITY, controlEndpoint: true });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.service.reset();
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
    h.service.store.putOperation('c1', { id: 'older', status: 'completed' });
  });

  it('404 for an unknown connection, on both families', async () => {
    for (const family of ['/connections', '/external/connections']) {
      const res = await h.client.send('DELETE', `${family}/nope`);
      expect(res.status).toBe(404);
      expect(graphError(res)).toMatchObject({ code: 'itemNotFound', message: "The connection 'nope' was not found." });
    }
    expect(h.service.settleOperations()).toBe(0);
  });

  it('If-Match: 412 on another ETag (nothing started); the current one or * is fine', async () => {
    const etag = h.service.store.getConnection('c1')!.etag;
    const stale = await h.client.send('DELETE', '/connections/c1', { headers: { 'if-match': 'W/"0"' } });
    expect(stale.status).toBe(412);
    expect(graphError(stale)).toMatchObject({ code: 'PreconditionFailed' });
    expect(graphError(stale).message).toContain('current ETag of the connection');
    expect(h.service.settleOperations()).toBe(0);
    expect((await h.client.send('DELETE', '/connections/c1', { headers: { 'if-match': `W/"0", ${etag}` } })).status).toBe(202);
    h.service.store.insertConnection({ id: 'c2', name: 'C2' });
    expect((await h.client.send('DELETE', '/connections/c2', { headers: { 'if-match': '*' } })).status).toBe(202);
  });

  it('a second DELETE while the deletion runs answers the same operation; a query option is a 400', async () => {
    expect((await h.client.send('DELETE', '/connections/c1?$select=id')).status).toBe(400);
    const first = await h.client.send('DELETE', '/connections/c1');
    const second = await h.client.send('DELETE', '/external/connections/c1');
    expect(second.status).toBe(202);
    expect(operationOf(second, h.service.url, '/external/connections')[1]).toBe(operationOf(first, h.service.url, '/connections')[1]);
    expect(h.service.settleOperations()).toBe(1);
  });

  it("connectionDeletion 'accepted': 202 without a Location, no operation; gone when it settles", async () => {
    h.service.setLifecycle({ connectionDeletion: 'accepted' });
    const res = await h.client.send('DELETE', '/connections/c1');
    expect(res.status).toBe(202);
    expect(res.headers['location']).toBeUndefined();
    expect(h.service.store.listOperations('c1').map((op) => op.id)).toEqual(['older']);
    expect((await h.client.send('DELETE', '/connections/c1')).headers['location']).toBeUndefined();
    expect((await h.client.get('/connections/c1')).status).toBe(200);
    expect(h.service.settleOperations()).toBe(1);
    expect((await h.client.get('/connections/c1')).status).toBe(404);
  });

  it("connectionDeletion 'noContent': 204, gone at once with its pending registration", async () => {
    h.service.setLifecycle({ connectionDeletion: 'noContent' });
    expect((await h.client.send('PATCH', '/connections/c1/schema', { body: SCHEMA })).status).toBe(202);
    const res = await h.client.send('DELETE', '/connections/c1');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await h.client.get('/connections/c1')).status).toBe(404);
    expect(h.service.settleOperations()).toBe(0);
    h.service.store.insertConnection({ id: 'c1', name: 'again' });
    expect(h.service.settleOperations()).toBe(0);
    expect(h.service.store.getSchema('c1')).toBeUndefined();
  });

  it('the switches by the control endpoint: GET shows them, POST changes the named ones, 400 when invalid; reset restores', async () => {
    expect(obj((await h.client.get('/$test/lifecycle')).json)).toEqual({ schemaRegistration: 'operation', connectionDeletion: 'operation' });
    expect((await h.client.send('POST', '/$test/lifecycle', { body: { connectionDeletion: 'noContent' } })).status).toBe(204);
    expect(obj((await h.client.get('/$test/lifecycle')).json)).toEqual({ schemaRegistration: 'operation', connectionDeletion: 'noContent' });
    const bad = await h.client.send('POST', '/$test/lifecycle', { body: { connectionDeletion: 'later' } });
    expect(bad.status).toBe(400);
    expect(graphError(bad).message).toContain("connectionDeletion must be 'operation', 'accepted', 'noContent'");
    expect((await h.client.send('DELETE', '/connections/c1')).status).toBe(204);
    expect(() => h.service.setLifecycle({ connectionDeletion: 'x' as 'accepted' })).toThrow(TypeError);
    h.service.reset();
    expect(obj((await h.client.get('/$test/lifecycle')).json)).toEqual({ schemaRegistration: 'operation', connectionDeletion: 'operation' });
  });
});

describe('registering at once (schemaRegistration ok / created)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ apiVersion: 'v1.0', lifecycle: { schemaRegistration: 'ok' } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.service.reset();
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
  });

  it("'ok': 200 with the schema, no operation; readable at once, the connection ready", async () => {
    const res = await h.client.send('PATCH', '/external/connections/c1/schema', { body: SCHEMA });
    expect(res.status).toBe(200);
    expect(res.headers['location']).toBeUndefined();
    expect(obj(res.json)).toEqual({ '@odata.context': `${h.service.url}/$metadata#external/connections('c1')/schema/$entity`, baseType: BASE, properties: REGISTERED });
    expect(h.service.store.listOperations('c1')).toEqual([]);
    expect(obj((await h.client.get('/external/connections/c1/schema')).json)['properties']).toEqual(REGISTERED);
    expect(obj((await h.client.get('/external/connections/c1')).json)['state']).toBe('ready');
  });

  it("'created': 201 with the schema and the Location of the schema", async () => {
    h.service.setLifecycle({ schemaRegistration: 'created' });
    const res = await h.client.send('POST', '/external/connections/c1/schema', { body: SCHEMA });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${h.service.url}/external/connections/c1/schema`);
    expect(obj(res.json)['properties']).toEqual(REGISTERED);
  });

  it('a schema that breaks the rules is a 400 at once, nothing stored', async () => {
    const res = await h.client.send('PATCH', '/external/connections/c1/schema', { body: INVALID });
    expect(res.status).toBe(400);
    expect(graphError(res).message).toBe(
      "The schema is not valid: properties/title: The property 'title' cannot be both searchable and refinable. properties/count: The property 'count' of type int64 cannot be searchable: only string and stringCollection properties can.",
    );
    expect(h.service.store.getSchema('c1')).toBeUndefined();
    expect(h.service.store.getConnection('c1')?.state).toBe('draft');
  });
});

describe("the 'graph' operations API (v1.0's default): operations read by id only", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startService({ apiVersion: 'v1.0' });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.service.reset();
    h.service.store.putOperation('c1', { id: 'op-1', status: 'completed' });
  });

  it('GET of one operation works (with $select)', async () => {
    const res = await h.client.get('/external/connections/c1/operations/op-1?$select=status');
    expect(res.status).toBe(200);
    expect(obj(res.json)).toMatchObject({ id: 'op-1', status: 'completed' });
    expect((await h.client.get("/external/connections/c1/operations('op-1')")).status).toBe(200);
    expect((await h.client.get('/external/connections/c1/operations/nope')).status).toBe(404);
  });

  it('listing (the collection, $count) is a 400', async () => {
    for (const path of ['/external/connections/c1/operations', '/external/connections/c1/operations?$top=5', '/external/connections/c1/operations/$count']) {
      const res = await h.client.get(path);
      expect(res.status, path).toBe(400);
      expect(graphError(res).code).toBe('BadRequest');
      expect(graphError(res).message).toContain('Listing the operations of a connection is not supported');
    }
  });

  it('creating, updating, deleting operations and $ref are 405 MethodNotAllowed, nothing changed', async () => {
    const cases: Array<[string, string, string]> = [
      ['POST', '/external/connections/c1/operations', ''],
      ['POST', '/external/connections/c1/operations/$ref', ''],
      ['PATCH', '/external/connections/c1/operations/op-1', 'GET'],
      ['DELETE', '/external/connections/c1/operations/op-1', 'GET'],
      ['PUT', '/external/connections/c1/operations/op-1', 'GET'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await h.client.send(method, path, { body: { id: 'x', status: 'failed' } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(graphError(res).code).toBe('MethodNotAllowed');
      expect(res.headers['allow']).toBe(allow);
    }
    expect(graphError(await h.client.send('POST', '/external/connections/c1/operations', { body: {} })).message).toBe(
      "The method 'POST' is not allowed on this resource; allowed: none (Microsoft Graph creates and ends operations itself).",
    );
    expect(h.service.store.listOperations('c1')).toEqual([expect.objectContaining({ id: 'op-1', status: 'completed' })]);
  });

  it('refuses the same in $batch parts', async () => {
    const res = await h.client.send('POST', '/$batch', {
      body: {
        requests: [
          { id: 'list', method: 'GET', url: '/external/connections/c1/operations' },
          { id: 'create', method: 'POST', url: '/external/connections/c1/operations', body: {}, headers: { 'content-type': 'application/json' } },
          { id: 'get', method: 'GET', url: '/external/connections/c1/operations/op-1' },
        ],
      },
    });
    const byId = new Map(arr(obj(res.json)['responses']).map((p) => [obj(p)['id'], obj(p)['status']]));
    expect(Object.fromEntries(byId)).toEqual({ list: 400, create: 405, get: 200 });
  });

  it("operationsApi 'seed' restores the seed API in v1.0, and 'graph' refuses it in beta", async () => {
    const seed = await startService({ apiVersion: 'v1.0', operationsApi: 'seed' });
    const graph = await startService({ operationsApi: 'graph' });
    try {
      seed.service.store.putOperation('c1', { id: 'op-1', status: 'completed' });
      expect((await seed.client.get('/external/connections/c1/operations')).status).toBe(200);
      expect((await seed.client.send('POST', '/external/connections/c1/operations', { body: { id: 'op-2' } })).status).toBe(201);
      expect((await seed.client.send('DELETE', '/external/connections/c1/operations/op-1')).status).toBe(204);
      graph.service.store.putOperation('c1', { id: 'op-1', status: 'completed' });
      expect((await graph.client.get('/connections/c1/operations')).status).toBe(400);
      expect((await graph.client.send('PATCH', '/connections/c1/operations/op-1', { body: { status: 'failed' } })).status).toBe(405);
      expect((await graph.client.get('/connections/c1/operations/op-1')).status).toBe(200);
    } finally {
      await Promise.all([seed.close(), graph.close()]);
    }
    const beta = await startService();
    try {
      beta.service.store.putOperation('c1', { id: 'op-1', status: 'completed' });
      expect((await beta.client.get('/connections/c1/operations')).status).toBe(200); // beta keeps the seed API by default
    } finally {
      await beta.close();
    }
    expect(() => createODataService({ operationsApi: 'rest' as 'seed' })).toThrow(/operationsApi must be one of graph, seed/);
  });
});

describe('operation timing', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('settles after operationDelayMs without a client asking; a GET after the delay sees it', async () => {
    h = await startService({ apiVersion: 'v1.0', operationDelayMs: 60 });
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
    const started = performance.now();
    const [, id] = operationOf(await h.client.send('PATCH', '/external/connections/c1/schema', { body: SCHEMA }), h.service.url, '/external/connections');
    const early = obj((await h.client.get(`/external/connections/c1/operations/${id}`)).json)['status'];
    if (performance.now() - started < 55) expect(early).toBe('inprogress');
    await sleep(150);
    expect(h.service.store.getOperation('c1', id)?.status).toBe('completed'); // no request came: the timer did it
    expect(obj((await h.client.get(`/external/connections/c1/operations/${id}`)).json)['status']).toBe('completed');
  });

  it('0 settles before the next request is handled', async () => {
    h = await startService({ operationDelayMs: 0 });
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
    const [, registration] = operationOf(await h.client.send('PATCH', '/connections/c1/schema', { body: SCHEMA }), h.service.url, '/connections');
    expect(obj((await h.client.get(`/connections/c1/operations/${registration}`)).json)['status']).toBe('completed');
    expect((await h.client.send('DELETE', '/connections/c1')).status).toBe(202);
    expect((await h.client.get('/connections/c1')).status).toBe(404);
  });

  it('the default is 3000 ms; setOperationDelay applies to operations started afterwards; invalid delays are TypeErrors', async () => {
    h = await startService({ operationDelayMs: Number.POSITIVE_INFINITY });
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
    h.service.store.insertConnection({ id: 'c2', name: 'C2' });
    const [, first] = operationOf(await h.client.send('PATCH', '/connections/c1/schema', { body: SCHEMA }), h.service.url, '/connections');
    h.service.setOperationDelay(0);
    const [, second] = operationOf(await h.client.send('PATCH', '/connections/c2/schema', { body: SCHEMA }), h.service.url, '/connections');
    await sleep(20);
    expect(obj((await h.client.get(`/connections/c2/operations/${second}`)).json)['status']).toBe('completed');
    expect(obj((await h.client.get(`/connections/c1/operations/${first}`)).json)['status']).toBe('inprogress');
    expect(() => h!.service.setOperationDelay(-1)).toThrow(TypeError);
    expect(() => createODataService({ operationDelayMs: Number.NaN })).toThrow(/operationDelayMs must be a non-negative number/);
    expect(() => createODataService({ lifecycle: { schemaRegistration: 'later' as 'ok' } })).toThrow(TypeError);

    const defaults = await startService({ controlEndpoint: true });
    try {
      expect(obj((await defaults.client.get('/$test/operationDelay')).json)).toEqual({ ms: 3000 });
    } finally {
      await defaults.close();
    }
  });

  it('the control endpoint sets the delay (a number or "Infinity") and settles every pending operation', async () => {
    h = await startService({ controlEndpoint: true, operationDelayMs: 5 });
    const c = h.client;
    expect((await c.send('POST', '/$test/operationDelay', { body: { ms: 'Infinity' } })).status).toBe(204);
    expect(obj((await c.get('/$test/operationDelay')).json)).toEqual({ ms: 'Infinity' });
    for (const body of [{ ms: -1 }, { ms: '10' }, {}, 'x']) expect((await c.send('POST', '/$test/operationDelay', { body })).status).toBe(400);
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
    const [, id] = operationOf(await c.send('PATCH', '/connections/c1/schema', { body: SCHEMA }), h.service.url, '/connections');
    await sleep(20);
    expect(obj((await c.get(`/connections/c1/operations/${id}`)).json)['status']).toBe('inprogress');
    const settled = await c.send('POST', '/$test/settleOperations');
    expect(settled.status).toBe(200);
    expect(obj(settled.json)).toEqual({ settled: 1 });
    expect(obj((await c.get(`/connections/c1/operations/${id}`)).json)['status']).toBe('completed');
    expect((await c.send('POST', '/$test/operationDelay', { body: { ms: 0 } })).status).toBe(204);
    expect(obj((await c.get('/$test/operationDelay')).json)).toEqual({ ms: 0 });
    expect((await c.get('/$test/settleOperations')).status).toBe(405);
    h.service.reset();
    expect(obj((await c.get('/$test/operationDelay')).json)).toEqual({ ms: 5 });
  });

  it('close() clears the timers: a pending operation then settles only on the next request', async () => {
    const service = createODataService({ operationDelayMs: 30 });
    const url = await service.listen(0);
    const client = new TestClient(url);
    service.store.insertConnection({ id: 'c1', name: 'C1' });
    const [, id] = operationOf(await client.send('PATCH', '/connections/c1/schema', { body: SCHEMA }), url, '/connections');
    await client.destroy();
    await service.close();
    await sleep(80);
    expect(service.store.getOperation('c1', id)?.status).toBe('inprogress');
    // Mounted on another server, the next request settles it.
    const server = http.createServer(service.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const other = new TestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/beta`);
    try {
      expect(obj((await other.get(`/connections/c1/operations/${id}`)).json)['status']).toBe('completed');
    } finally {
      await other.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reset() forgets pending operations and clears their timers', async () => {
    h = await startService({ operationDelayMs: 40 });
    h.service.store.insertConnection({ id: 'c1', name: 'C1' });
    expect((await h.client.send('PATCH', '/connections/c1/schema', { body: SCHEMA })).status).toBe(202);
    h.service.reset();
    h.service.store.insertConnection({ id: 'c1', name: 'again' });
    await sleep(100);
    expect(h.service.store.getSchema('c1')).toBeUndefined();
    expect(h.service.settleOperations()).toBe(0);
    expect((await h.client.get('/connections/c1/schema')).status).toBe(404);
  });
});

describe('tenancy', () => {
  it("each tenant's connections, schemas and operations are its own", async () => {
    const h = await startService({ tenancy: true, operationDelayMs: Number.POSITIVE_INFINITY });
    try {
      const a = { authorization: 'Bearer a' };
      const b = { authorization: 'Bearer b' };
      expect((await h.client.send('POST', '/connections', { body: { id: 'same', name: 'A' }, headers: a })).status).toBe(201);
      expect((await h.client.send('POST', '/connections', { body: { id: 'same', name: 'B' }, headers: b })).status).toBe(201);
      const res = await h.client.send('PATCH', '/connections/same/schema', { body: SCHEMA, headers: a });
      const [, id] = operationOf(res, h.service.url, '/connections');
      expect((await h.client.get(`/connections/same/operations/${id}`, { headers: b })).status).toBe(404);
      expect((await h.client.send('DELETE', '/connections/same', { headers: b })).status).toBe(202); // b's own, not a's registration
      const other = await h.client.send('PATCH', '/connections/same/schema', { body: SCHEMA, headers: a });
      expect(other.status).toBe(409);
      expect(graphError(other).message).toContain('already running'); // a's registration, not b's deletion
      expect(h.service.settleOperations()).toBe(2);
      expect((await h.client.get('/connections/same/schema', { headers: a })).status).toBe(200);
      expect((await h.client.get('/connections/same', { headers: b })).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
