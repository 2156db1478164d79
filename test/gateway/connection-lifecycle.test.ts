/**
 * A connection's life as Microsoft Graph runs it today (DESIGN.md 2.1), against a scripted upstream over
 * loopback: what each mutation sends (once, never again), how an accepted write's `Location` is checked and
 * its operation read by key (never by fetching the Location), the typed errors, and the schema's read.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import type { HostileAnswer, HostileRequest } from '../support/hostile-upstream.js';
import { startScriptedStack, type ScriptedStack } from '../support/scripted-upstream.js';

let stack: ScriptedStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/**
 * Retries allowed (the scripted stack's default is none, as the gateway's default is two), so that a test of a
 * write sent once proves the rule that keeps writes from being sent again, not a setting.
 */
const RETRIES = { retryMax: 2, retryBaseMs: 5 };

const operation = (id: string, status = 'inprogress') => ({ id, status, error: null, '@odata.etag': `W/"${id}"` });
const connection = (id: string) => ({ id, name: `Name of ${id}`, description: null, state: 'draft' });

/** Answers reads of connection `c1`, its operations and its schema; `write` answers the write under test. */
function upstream(write: (request: HostileRequest, root: string) => HostileAnswer) {
  return (request: HostileRequest): HostileAnswer => {
    const path = request.url.split('?')[0]!;
    if (request.method !== 'GET') return write(request, stack!.serviceRoot);
    const op = /\/connections\/c1\/operations\/([^/]+)$/.exec(path);
    if (op) return { status: 200, body: operation(decodeURIComponent(op[1]!)) };
    if (path.endsWith('/connections/c1')) return { status: 200, body: connection('c1') };
    return { status: 404, body: { error: { code: 'itemNotFound', message: 'no' } } };
  };
}

const SCHEMA = {
  baseType: 'microsoft.graph.externalItem',
  properties: [
    { name: 'title', type: 'STRING', isSearchable: true, isRetrievable: true, labels: ['TITLE'] },
    { name: 'priority', type: 'INT64', isQueryable: true, isRefinable: true, aliases: ['prio'] },
    { name: 'tags', type: 'STRING_COLLECTION' },
  ],
};

const REGISTER = `mutation($c: ID!, $s: ConnectionSchemaInput!) {
  registerConnectionSchema(connectionId: $c, input: $s) {
    connection { id connectionId name state }
    operation { id operationId connectionId status }
  }
}`;

describe('registerConnectionSchema', () => {
  it('PATCHes the schema once, takes the operation from its Location, and reads it by key', async () => {
    stack = await startScriptedStack(upstream((_request, root) => ({ status: 202, headers: { location: `${root}/connections/c1/operations/op%201%3Ax%27` } })));
    const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(result.errors).toBeUndefined();
    expect(result.data.registerConnectionSchema).toEqual({
      connection: { id: encodeGlobalId({ type: 'ExternalConnection', connectionId: 'c1' }), connectionId: 'c1', name: 'Name of c1', state: 'DRAFT' },
      operation: { id: encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c1', operationId: "op 1:x'" }), operationId: "op 1:x'", connectionId: 'c1', status: 'IN_PROGRESS' },
    });
    const [patch, ...reads] = stack.requests;
    expect(patch!.method).toBe('PATCH');
    expect(patch!.url).toBe('/beta/connections/c1/schema');
    // The body as the client gave it, with the OData member names, and nothing it left out.
    expect(JSON.parse(patch!.body)).toEqual({
      baseType: 'microsoft.graph.externalItem',
      properties: [
        { name: 'title', type: 'string', isSearchable: true, isRetrievable: true, labels: ['title'] },
        { name: 'priority', type: 'int64', isQueryable: true, isRefinable: true, aliases: ['prio'] },
        { name: 'tags', type: 'stringCollection' },
      ],
    });
    // One GET of the operation, by its key (one path segment), and one of the connection: nothing else.
    expect(reads.map((r) => `${r.method} ${r.url.split('?')[0]}`).sort()).toEqual(['GET /beta/connections/c1', 'GET /beta/connections/c1/operations/op%201%3Ax%27']);
  });

  it('reads no operation when the payload does not select it, and none when the upstream registered at once (200/201)', async () => {
    let status = 202;
    stack = await startScriptedStack(upstream((_request, root) => ({ status, headers: { location: `${root}/connections/c1/operations/op1` }, body: status === 202 ? undefined : SCHEMA })));
    const bare = await stack.gql('mutation($s: ConnectionSchemaInput!) { registerConnectionSchema(connectionId: "c1", input: $s) { connection { connectionId } } }', { s: SCHEMA });
    expect(bare.errors).toBeUndefined();
    expect(stack.requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);
    for (status of [200, 201]) {
      const before = stack.requests.length;
      const done = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
      expect(done.errors).toBeUndefined();
      expect(done.data.registerConnectionSchema.operation).toBeNull();
      expect(stack.requests.slice(before).map((r) => r.method)).toEqual(['PATCH', 'GET']);
    }
  });

  it('resolves a relative Location against the request it answers', async () => {
    stack = await startScriptedStack(upstream(() => ({ status: 202, headers: { location: 'operations/op-rel' } })));
    const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(result.errors).toBeUndefined();
    expect(result.data.registerConnectionSchema.operation.operationId).toBe('op-rel');
  });

  it('refuses every Location that is not an operation of this connection under the service root: UPSTREAM_ERROR, accepted, nothing contacted', async () => {
    let contacted = 0;
    const elsewhere = createServer((_req, res) => {
      contacted++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const other = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    const locations = [
      (root: string) => `${other}/beta/connections/c1/operations/op1`, // another origin
      (root: string) => root.replace('http://', 'http://user:pw@') + '/connections/c1/operations/op1', // credentials
      (root: string) => `${root}/connections/c2/operations/op1`, // another connection
      (root: string) => `${root}/external/connections/c1/operations/op1`, // another path family
      (root: string) => `${root}/connections/c1/operations/op1/../../../c2/operations/op1`, // a climb
      (root: string) => `${root}/connections/c1/operations/other/../op1`, // a climb that lands on an operation of c1
      (root: string) => `${root}/connections/c2/%2e%2e/c1/operations/op1`, // an encoded one through another connection
      (root: string) => `${root}/connections/c1/operations/%2E%2E`, // an encoded climb
      (root: string) => `${root}/connections/c1/operations/a%2F..%2F..%2Fx`, // an encoded slash
      (root: string) => `${root}/connections/c1/operations/op1/more`, // deeper
      (root: string) => `${root}/connections/c1/operations/`, // no key
      (root: string) => `${root}/connections/c1/schema`, // not an operation
      (root: string) => `${root}/connections/c1/items/op1`, // another collection of the connection
      (root: string) => root.replace('/beta', '/v1.0') + '/connections/c1/operations/op1', // another service root, same origin
      (root: string) => `${root}/connections/c1/operations/${'x'.repeat(5000)}`, // longer than any Location
      (root: string) => `${root}//connections/c1/operations/op1`, // an empty segment
      (root: string) => `${root}/connections/c1/operations/op1#f`, // a fragment
      (root: string) => `${root}\\connections/c1/operations/op1`, // a backslash
      () => '//evil.example/beta/connections/c1/operations/op1', // protocol-relative
      () => '../c2/operations/op1', // relative, elsewhere
      () => 'javascript:alert(1)',
      () => 'not a url at all %%%',
    ];
    let next = locations[0]!;
    stack = await startScriptedStack(upstream((_request, root) => ({ status: 202, headers: { location: next(root) } })));
    try {
      for (const location of locations) {
        next = location;
        const before = stack.requests.length;
        const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
        expect([location(stack.serviceRoot), result.errors?.[0]?.extensions]).toEqual([location(stack.serviceRoot), { code: 'UPSTREAM_ERROR', upstreamStatus: 202, accepted: true }]);
        expect(result.data).toBeNull();
        // The PATCH only: no read of anything the Location named.
        expect(stack.requests.slice(before).map((r) => r.method)).toEqual(['PATCH']);
      }
      expect(contacted).toBe(0);
    } finally {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });

  it('under the v1.0 path family (external/connections): takes an operation of it, refuses one of the beta family or a climb out of it', async () => {
    let next = (root: string) => `${root}/external/connections/c1/operations/op-v1`;
    stack = await startScriptedStack(
      upstream((_request, root) => ({ status: 202, headers: { location: next(root) } })),
      { connectionsPath: 'external/connections' },
    );
    const good = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(good.errors).toBeUndefined();
    expect(good.data.registerConnectionSchema.operation.operationId).toBe('op-v1');
    expect(stack.requests[0]!.url).toBe('/beta/external/connections/c1/schema');
    expect(stack.requests.slice(1).map((r) => r.url.split('?')[0]).sort()).toEqual(['/beta/external/connections/c1', '/beta/external/connections/c1/operations/op-v1']);
    const hostile = [
      (root: string) => `${root}/connections/c1/operations/op1`, // the other (beta) path family
      (root: string) => `${root}/external/connections/c2/operations/op1`, // another connection
      (root: string) => `${root}/external/connections/c1/operations/../../c2/operations/op1`, // a climb
      (root: string) => `${root}/external/connections/c1/operations/%2e%2e`, // an encoded climb
      (root: string) => `${root}/external/c1/operations/op1`, // a segment left out
      (root: string) => root.replace('127.0.0.1', 'localhost') + '/external/connections/c1/operations/op1', // another origin (same server)
    ];
    for (const location of hostile) {
      next = location;
      const before = stack.requests.length;
      const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
      expect([location(stack.serviceRoot), result.errors?.[0]?.extensions]).toEqual([location(stack.serviceRoot), { code: 'UPSTREAM_ERROR', upstreamStatus: 202, accepted: true }]);
      expect(stack.requests.slice(before).map((r) => r.method)).toEqual(['PATCH']);
    }
  });

  it.each([
    [400, {}, 'BAD_USER_INPUT'],
    [401, {}, 'UNAUTHENTICATED'],
    [403, {}, 'FORBIDDEN'],
    [404, {}, 'NOT_FOUND'],
    [409, {}, 'CONFLICT'],
    [429, { 'retry-after': '7' }, 'THROTTLED'],
    [503, { 'retry-after': '1' }, 'THROTTLED'],
    [500, {}, 'UPSTREAM_ERROR'],
  ])('answers %i with %s and sends the PATCH once (never retried)', async (status, headers, code) => {
    stack = await startScriptedStack(upstream(() => ({ status, headers: { 'request-id': 'rid-1', ...headers }, body: { error: { code: `Upstream${status}`, message: 'm', innerError: { 'request-id': 'rid-1' } } } })), RETRIES);
    const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, upstreamStatus: status, odataCode: `Upstream${status}`, requestId: 'rid-1' });
    expect(stack.requests.map((r) => r.method)).toEqual(['PATCH']);
  });

  it('reports a PATCH whose answer was lost as outcomeUnknown, and does not send it again', async () => {
    stack = await startScriptedStack(upstream(() => ({ status: 0, reset: true })), RETRIES);
    const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true });
    expect(stack.requests.map((r) => r.method)).toEqual(['PATCH']);
  });

  it('refuses UNKNOWN_FUTURE_VALUE in a type or a label, and unbounded lists, before sending anything', async () => {
    stack = await startScriptedStack(upstream(() => ({ status: 202 })));
    const cases: Array<[unknown, string]> = [
      [{ properties: [{ name: 'a', type: 'UNKNOWN_FUTURE_VALUE' }] }, 'input.properties.type'],
      [{ properties: [{ name: 'a', type: 'STRING', labels: ['TITLE', 'UNKNOWN_FUTURE_VALUE'] }] }, 'input.properties.labels'],
      [{ properties: Array.from({ length: 257 }, (_, i) => ({ name: `p${i}`, type: 'STRING' })) }, 'input.properties'],
      [{ properties: [{ name: 'a', type: 'STRING', aliases: Array.from({ length: 33 }, (_, i) => `x${i}`) }] }, 'input.properties.aliases'],
      [{ properties: [{ name: 'n'.repeat(257), type: 'STRING' }] }, 'input.properties.name'],
    ];
    for (const [s, argument] of cases) {
      const result = await stack.gql(REGISTER, { c: 'c1', s });
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    }
    const badKey = await stack.gql(REGISTER, { c: 'c/../x\u0000', s: SCHEMA });
    expect(badKey.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'connectionId' });
    expect(stack.requests).toHaveLength(0);
  });
});

describe('deleteExternalConnection', () => {
  const DELETE = 'mutation($c: ID!, $m: String) { deleteExternalConnection(connectionId: $c, ifMatch: $m) { deletedId connectionId operation { operationId status } } }';

  it('DELETEs with If-Match, and reads the operation its 202 Location names', async () => {
    stack = await startScriptedStack(upstream((_request, root) => ({ status: 202, headers: { location: `${root}/connections/c1/operations/del-1` } })));
    const result = await stack.gql(DELETE, { c: 'c1', m: 'W/"7"' });
    expect(result.errors).toBeUndefined();
    expect(result.data.deleteExternalConnection).toEqual({
      deletedId: encodeGlobalId({ type: 'ExternalConnection', connectionId: 'c1' }),
      connectionId: 'c1',
      operation: { operationId: 'del-1', status: 'IN_PROGRESS' },
    });
    expect(stack.requests[0]).toMatchObject({ method: 'DELETE', url: '/beta/connections/c1', headers: expect.objectContaining({ 'if-match': 'W/"7"' }) });
    expect(stack.requests.slice(1).map((r) => r.url.split('?')[0])).toEqual(['/beta/connections/c1/operations/del-1']);
  });

  it.each([
    [204, undefined],
    [202, undefined],
    [200, 'http://ignored.example/x'],
  ])('gives no operation for %i with Location %s, and reads nothing', async (status, location) => {
    stack = await startScriptedStack(upstream(() => ({ status, ...(location ? { headers: { location } } : {}) })));
    const result = await stack.gql(DELETE, { c: 'c1' });
    expect(result.errors).toBeUndefined();
    expect(result.data.deleteExternalConnection.operation).toBeNull();
    expect(stack.requests.map((r) => r.method)).toEqual(['DELETE']);
    expect(stack.requests[0]!.headers['if-match']).toBeUndefined();
  });

  it.each([
    [400, {}, 'BAD_USER_INPUT'],
    [401, {}, 'UNAUTHENTICATED'],
    [403, {}, 'FORBIDDEN'],
    [404, {}, 'NOT_FOUND'],
    [409, {}, 'CONFLICT'],
    [429, { 'retry-after': '7' }, 'THROTTLED'],
    [503, { 'retry-after': '1' }, 'THROTTLED'],
  ])('answers %i with %s and, without If-Match, sends the DELETE once', async (status, headers, code) => {
    stack = await startScriptedStack(upstream(() => ({ status, headers: { 'request-id': 'rid-2', ...headers }, body: { error: { code: `Upstream${status}`, message: 'm' } } })), RETRIES);
    const result = await stack.gql(DELETE, { c: 'c1' });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, upstreamStatus: status, odataCode: `Upstream${status}`, requestId: 'rid-2' });
    expect(stack.requests.map((r) => r.method)).toEqual(['DELETE']);
  });

  it('with If-Match, sends the DELETE again after a 503 (it was not applied), never after a lost answer', async () => {
    let answers = 0;
    stack = await startScriptedStack(
      upstream((_request, root): HostileAnswer => (answers++ === 0 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 202, headers: { location: `${root}/connections/c1/operations/del-2` } })),
      RETRIES,
    );
    const retried = await stack.gql(DELETE, { c: 'c1', m: 'W/"7"' });
    expect(retried.errors).toBeUndefined();
    expect(retried.data.deleteExternalConnection.operation).toEqual({ operationId: 'del-2', status: 'IN_PROGRESS' });
    expect(stack.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
    await stack.close();

    stack = await startScriptedStack(upstream(() => ({ status: 0, reset: true })), RETRIES);
    for (const m of ['W/"7"', null]) {
      const before = stack.requests.length;
      const lost = await stack.gql(DELETE, { c: 'c1', m });
      expect(lost.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true });
      expect(stack.requests.slice(before).map((r) => r.method)).toEqual(['DELETE']);
    }
  });

  it('refuses a Location elsewhere as accepted, and maps 412 to PRECONDITION_FAILED', async () => {
    let answer: HostileAnswer = { status: 202, headers: { location: 'http://127.0.0.1:1/beta/connections/c1/operations/x' } };
    stack = await startScriptedStack(upstream(() => answer));
    const refused = await stack.gql(DELETE, { c: 'c1' });
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstreamStatus: 202, accepted: true });
    answer = { status: 412, body: { error: { code: 'PreconditionFailed', message: 'm' } } };
    const stale = await stack.gql(DELETE, { c: 'c1', m: 'W/"1"' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'PRECONDITION_FAILED', upstreamStatus: 412 });
  });
});

describe('createExternalConnection', () => {
  const CREATE = 'mutation($i: CreateExternalConnectionInput!) { createExternalConnection(input: $i) { id connectionId name description state } }';

  it('POSTs the connection once and serves the entity the upstream answered with', async () => {
    stack = await startScriptedStack(upstream((request) => ({ status: 201, body: { ...JSON.parse(request.body), state: 'draft' } })));
    const result = await stack.gql(CREATE, { i: { connectionId: 'newconn', name: 'New', description: 'd' } });
    expect(result.errors).toBeUndefined();
    expect(result.data.createExternalConnection).toEqual({ id: encodeGlobalId({ type: 'ExternalConnection', connectionId: 'newconn' }), connectionId: 'newconn', name: 'New', description: 'd', state: 'DRAFT' });
    expect(stack.requests.map((r) => [r.method, r.url, JSON.parse(r.body)])).toEqual([['POST', '/beta/connections', { id: 'newconn', name: 'New', description: 'd' }]]);
  });

  it.each([
    [400, {}, 'BAD_USER_INPUT'],
    [401, {}, 'UNAUTHENTICATED'],
    [403, {}, 'FORBIDDEN'],
    [429, { 'retry-after': '7' }, 'THROTTLED'],
    [503, { 'retry-after': '1' }, 'THROTTLED'],
  ])('answers %i with %s and sends the POST once', async (status, headers, code) => {
    stack = await startScriptedStack(upstream(() => ({ status, headers: { 'request-id': 'rid-3', ...headers }, body: { error: { code: `Upstream${status}`, message: 'm' } } })), RETRIES);
    const result = await stack.gql(CREATE, { i: { connectionId: 'mine', name: 'Mine' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, upstreamStatus: status, odataCode: `Upstream${status}`, requestId: 'rid-3' });
    expect(stack.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('reports a POST whose answer was lost as outcomeUnknown, and does not send it again', async () => {
    stack = await startScriptedStack(upstream(() => ({ status: 0, reset: true })), RETRIES);
    const result = await stack.gql(CREATE, { i: { connectionId: 'mine', name: 'Mine' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true });
    expect(stack.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('refuses an answer about another connection, and maps 409', async () => {
    let answer: HostileAnswer = { status: 201, body: connection('someone-else') };
    stack = await startScriptedStack(upstream(() => answer));
    const other = await stack.gql(CREATE, { i: { connectionId: 'mine', name: 'Mine' } });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    answer = { status: 409, body: { error: { code: 'Conflict', message: 'exists' } } };
    const conflict = await stack.gql(CREATE, { i: { connectionId: 'mine', name: 'Mine' } });
    expect(conflict.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', upstreamStatus: 409 });
    expect(stack.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(stack.requests[0]!.body)).toEqual({ id: 'mine', name: 'Mine' });
  });
});

describe('ExternalConnection.schema', () => {
  it("reads a schema wrapped as {value: {...}}, as Graph v1.0's Get schema page shows it, alone or in a $batch part", async () => {
    const wrapped = { value: { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'ticketTitle', type: 'string', isSearchable: true, isRetrievable: true, labels: ['title'] }] } };
    stack = await startScriptedStack((request) => {
      const path = request.url.split('?')[0]!;
      if (request.method === 'GET' && path.endsWith('/schema')) return { status: 200, body: wrapped };
      if (request.method === 'GET') return { status: 200, body: connection(decodeURIComponent(path.split('/')[3]!)) };
      const { requests } = JSON.parse(request.body) as { requests: Array<{ id: string; url: string }> };
      return {
        status: 200,
        body: { responses: requests.map((part) => ({ id: part.id, status: 200, body: part.url.split('?')[0]!.endsWith('/schema') ? wrapped : connection(decodeURIComponent(part.url.split('/')[2]!.split('?')[0]!)) })) },
      };
    });
    const expected = { schema: { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'ticketTitle', type: 'STRING', isSearchable: true, labels: ['TITLE'] }] } };
    const alone = await stack.gql('{ externalConnection(connectionId: "c1") { schema { baseType properties { name type isSearchable labels } } } }');
    expect(alone.errors).toBeUndefined();
    expect(alone.data).toEqual({ externalConnection: expected });
    const together = await stack.gql('{ a: externalConnection(connectionId: "c1") { schema { baseType properties { name type isSearchable labels } } } b: externalConnection(connectionId: "c2") { schema { baseType properties { name type isSearchable labels } } } }');
    expect(together.errors).toBeUndefined();
    expect(together.data).toEqual({ a: expected, b: expected });
    expect(stack.requests.slice(-2).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /beta/$batch', 'POST /beta/$batch']);
  });

  it('reads the schemas of many connections together, null for none, unknown members as UNKNOWN_FUTURE_VALUE', async () => {
    stack = await startScriptedStack((request) => {
      if (request.method === 'POST' && request.url === '/beta/$batch') {
        const { requests } = JSON.parse(request.body) as { requests: Array<{ id: string; url: string }> };
        return {
          status: 200,
          body: {
            responses: requests.map((part) => {
              const id = decodeURIComponent(part.url.split('?')[0]!.split('/')[2]!);
              if (part.url.endsWith('/schema')) {
                return id === 'c2'
                  ? { id: part.id, status: 404, body: { error: { code: 'itemNotFound', message: 'no schema' } } }
                  : { id: part.id, status: 200, body: { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'string', labels: ['title', 'brandNewLabel'] }, { name: 'when', type: 'timeOfDay', isQueryable: true }] } };
              }
              return { id: part.id, status: 200, body: connection(id) };
            }),
          },
        };
      }
      return { status: 404 };
    });
    const result = await stack.gql(`{
      a: externalConnection(connectionId: "c1") { schema { baseType properties { name type labels isQueryable aliases } } }
      b: externalConnection(connectionId: "c2") { schema { baseType } }
      c: externalConnection(connectionId: "c3") { schema { properties { name } } }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      a: { schema: { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'STRING', labels: ['TITLE', 'UNKNOWN_FUTURE_VALUE'], isQueryable: null, aliases: null }, { name: 'when', type: 'UNKNOWN_FUTURE_VALUE', labels: null, isQueryable: true, aliases: null }] } },
      b: { schema: null },
      c: { schema: { properties: [{ name: 'title' }, { name: 'when' }] } },
    });
    // One $batch of the three connections, then one $batch of the three schemas.
    expect(stack.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /beta/$batch', 'POST /beta/$batch']);
    const parts = (JSON.parse(stack.requests[1]!.body) as { requests: Array<{ url: string }> }).requests.map((p) => p.url).sort();
    expect(parts).toEqual(['/connections/c1/schema', '/connections/c2/schema', '/connections/c3/schema']);
  });
});
