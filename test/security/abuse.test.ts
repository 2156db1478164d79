/**
 * Hostile input: each case must get a typed error (or, for ids that are merely odd, a correct answer),
 * no upstream request may leave `{root}/connections/…` or `{root}/$batch`, and the process stays up.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { startStack, type Stack } from '../support/stack.js';

const CONTRACT_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN']);
const READ = 'query($c: ID!, $id: ID!) { connectionOperation(connectionId: $c, operationId: $id) { operationId } }';
const LIST =
  'query($c: ID!, $a: String, $f: ConnectionOperationFilter, $o: [ConnectionOperationOrder!], $n: Int) { connectionOperations(connectionId: $c, after: $a, filter: $f, orderBy: $o, first: $n) { nodes { operationId } pageInfo { endCursor } } }';
const NODE = 'query($id: ID!) { node(id: $id) { id ... on ConnectionOperation { operationId } } }';
const globalId = (connectionId: string, operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId, operationId });
/** A global id spelled from any JSON text, canonical or not. */
const rawGlobalId = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

let stack: Stack;
let rootPath: string;

beforeAll(async () => {
  stack = await startStack();
  rootPath = new URL(stack.serviceRoot).pathname;
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.upstream.reset();
  stack.upstream.store.putOperation('c1', { id: 'a', status: 'completed' });
  stack.upstream.store.putOperation('c1', { id: 'b', status: 'failed' });
});

/** Every request the upstream saw stays in the collection tree or is a $batch, as exactly that many segments. */
function expectConfined(): void {
  for (const request of stack.upstream.requests) {
    const segments = request.path.slice(rootPath.length).split('/');
    expect(request.path.startsWith(`${rootPath}/`)).toBe(true);
    expect(segments.every((s) => s !== '.' && s !== '..')).toBe(true);
    if (request.batchPart === undefined && segments[1] === '$batch') continue;
    expect(segments.slice(0, 2)).toEqual(['', 'connections']);
    expect(segments[3]).toBe('operations');
    expect(segments.length).toBeLessThanOrEqual(5);
  }
}

function code(result: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown {
  return result.errors?.[0]?.extensions?.code;
}

describe('path-escaping and odd ids are confined to one segment', () => {
  const ids = ['..', '../..', '../../../etc/passwd', '..%2F..%2F', '%2e%2e', '%252e%252e', './a', 'a/../../b', '/', '//', '\\..\\..', '?', '#', '?$filter=true', '#/..', "') or ('1'='1", '$batch', '$metadata', '$ref', '$count', '(a)', "('a')", 'a;b', ' ', '\u2024\u2024', '%00', 'a%0d%0ab'];

  it.each(ids)('id %j', async (id) => {
    const result = await stack.gql(READ, { c: 'c1', id });
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperation).toBeNull();
    expectConfined();
  });

  it.each(['..', '../x', '$batch', '?x', '#x'])('connection id %j', async (c) => {
    const result = await stack.gql(READ, { c, id: 'a' });
    expect(result.data!.connectionOperation).toBeNull();
    expectConfined();
  });

  it('confines the keys inside global ids too (node and nodes)', async () => {
    const single = await stack.gql(NODE, { id: globalId('..', '../../$metadata') });
    expect(single.errors).toBeUndefined();
    expect(single.data!.node).toBeNull();
    const many = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [globalId('c1', '..'), globalId('../x', 'a'), globalId('c1', '$batch'), globalId('c1', 'a')] });
    expect(many.errors).toBeUndefined();
    expect(many.data!.nodes).toEqual([null, null, null, { id: globalId('c1', 'a') }]);
    expectConfined();
  });

  it('confines ids inside $batch parts too', async () => {
    const result = await stack.gql(`{
      a: connectionOperation(connectionId: "c1", operationId: "..") { operationId }
      b: connectionOperation(connectionId: "c1", operationId: "../../$metadata") { operationId }
      c: connectionOperation(connectionId: "..", operationId: "a") { operationId }
      d: connectionOperation(connectionId: "c1", operationId: "a") { operationId }
    }`);
    expect(result.data).toEqual({ a: null, b: null, c: null, d: { operationId: 'a' } });
    expect(stack.upstream.requests.filter((r) => r.batchPart).length).toBe(4);
    expectConfined();
  });

  it.each(['..', '../../x', '$ref'])('create with operationId %j stays one entity', async (id) => {
    const result = await stack.gql('mutation($id: ID) { createConnectionOperation(connectionId: "c1", input: { operationId: $id }) { id operationId } }', { id });
    expect(result.data!.createConnectionOperation).toEqual({ id: globalId('c1', id), operationId: id });
    expect(stack.upstream.store.getOperation('c1', id)).toBeDefined();
    expectConfined();
  });
});

describe('refused before any upstream request', () => {
  const refusals: Array<[string, string, Record<string, unknown>, string]> = [
    ['empty id', READ, { c: 'c1', id: '' }, 'operationId'],
    ['oversized id', READ, { c: 'c1', id: 'x'.repeat(10_000) }, 'operationId'],
    ['NUL in id', READ, { c: 'c1', id: 'a\u0000' }, 'operationId'],
    ['CRLF in id', READ, { c: 'c1', id: 'a\r\nHost: evil' }, 'operationId'],
    ['DEL in id', READ, { c: 'c1', id: 'a\u007f' }, 'operationId'],
    ['lone surrogate', READ, { c: 'c1', id: '\ud800' }, 'operationId'],
    ['empty connection', READ, { c: '', id: 'a' }, 'connectionId'],
    ['oversized connection', READ, { c: 'c'.repeat(600), id: 'a' }, 'connectionId'],
    ['cursor: garbage', LIST, { c: 'c1', a: '!!!' }, 'after'],
    ['cursor: not JSON', LIST, { c: 'c1', a: Buffer.from('hello').toString('base64url') }, 'after'],
    // Version-1 cursors carried an upstream link; a v2 gateway must refuse them (and never fetch the link).
    ['v1 cursor: other host', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'http://evil.example/beta/connections/c1/operations', 0, ''])).toString('base64url') }, 'after'],
    ['v1 cursor: cloud metadata', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'http://169.254.169.254/latest/meta-data', 0, ''])).toString('base64url') }, 'after'],
    ['v1 cursor: file URL', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'file:///etc/passwd', 0, ''])).toString('base64url') }, 'after'],
    ['v1 cursor: huge skip', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'http://127.0.0.1/beta/connections/c1/operations', 1e12, ''])).toString('base64url') }, 'after'],
    ['cursor: oversized', LIST, { c: 'c1', a: 'A'.repeat(20_000) }, 'after'],
    // The shape of a v2 cursor (version 1, uint32 offset, 16-byte MAC) with a MAC the client made up.
    ['cursor: forged MAC', LIST, { c: 'c1', a: Buffer.concat([Buffer.from([1, 0, 0, 0, 1]), Buffer.alloc(16)]).toString('base64url') }, 'after'],
    // The shape of a sealed cursor (version 2, 12-byte nonce, ciphertext, 16-byte tag) made up by the client.
    ['cursor: forged sealed', LIST, { c: 'c1', a: Buffer.concat([Buffer.from([2]), Buffer.alloc(12, 1), Buffer.from('http://evil.example/'), Buffer.alloc(16, 7)]).toString('base64url') }, 'after'],
    ['cursor: over the length bound', LIST, { c: 'c1', a: 'A'.repeat(30_000) }, 'after'],
    ['cursor: forged huge offset', LIST, { c: 'c1', a: Buffer.concat([Buffer.from([1, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(16, 7)]).toString('base64url') }, 'after'],
    ['first: 0', LIST, { c: 'c1', n: 0 }, 'first'],
    ['first: huge', LIST, { c: 'c1', n: 100_000 }, 'first'],
    ['first: negative', LIST, { c: 'c1', n: -5 }, 'first'],
    ['filter: 1000-value in', LIST, { c: 'c1', f: { operationId: { in: Array.from({ length: 1000 }, (_, i) => `x${i}`) } } }, 'filter'],
    ['filter: deep or', LIST, { c: 'c1', f: JSON.parse('{"or":[{"or":[{"or":[{"or":[{"or":[{"or":[{"operationId":{"eq":"a"}}]}]}]}]}]}]}') }, 'filter'],
    ['filter: control character', LIST, { c: 'c1', f: { operationId: { eq: 'a\u0001' } } }, 'filter.operationId'],
    ['nodes: more than 1000 ids', 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array.from({ length: 1001 }, (_, i) => globalId('c1', `x${i}`)) }, 'ids'],
  ];

  it.each(refusals)('%s → BAD_USER_INPUT', async (_name, query, variables, argument) => {
    const result = await stack.gql(query, variables);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it.each([
    ['header-injecting ifMatch', 'mutation { deleteConnectionOperation(connectionId: "c1", operationId: "a", ifMatch: "x\\r\\nx-evil: 1") { deletedId } }', 'ifMatch'],
    ['oversized error message', `mutation { createConnectionOperation(connectionId: "c1", input: { error: { message: "${'m'.repeat(5000)}" } }) { id } }`, 'input.error.message'],
    ['too many details', `mutation { createConnectionOperation(connectionId: "c1", input: { error: { details: [${'{ source: "s" },'.repeat(101)}] } }) { id } }`, 'input.error.details'],
    ['control character in create operationId', 'mutation { createConnectionOperation(connectionId: "c1", input: { operationId: "a\\u0000" }) { id } }', 'input.operationId'],
    ['empty operationId of an update', 'mutation { updateConnectionOperation(connectionId: "c1", operationId: "", input: { status: FAILED }) { id } }', 'operationId'],
  ])('%s → BAD_USER_INPUT', async (_name, query, argument) => {
    const result = await stack.gql(query);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    expect(stack.upstream.requests).toHaveLength(0);
  });
});

describe('cursors cannot be forged, altered or replayed elsewhere', () => {
  /** A genuine cursor of the list (connection c1, `filter`, `orderBy`), after its first node. */
  async function cursorOf(variables: Record<string, unknown> = {}): Promise<string> {
    const result = await stack.gql(LIST, { c: 'c1', n: 1, ...variables });
    expect(result.errors).toBeUndefined();
    const cursor = result.data!.connectionOperations.pageInfo.endCursor as string;
    expect(typeof cursor).toBe('string');
    stack.upstream.clearRequests();
    return cursor;
  }

  it('accepts a genuine cursor (the control case)', async () => {
    const cursor = await cursorOf();
    const result = await stack.gql(LIST, { c: 'c1', n: 1, a: cursor });
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperations.nodes).toEqual([{ operationId: 'b' }]);
    expect(stack.upstream.requests).toHaveLength(1);
    // The nextLink the upstream issued, as it issued it: its $skiptoken, the first request's $top, never a $skip.
    expect(stack.upstream.requests[0]!.query).toMatchObject({ $top: '1', $skiptoken: expect.any(String) });
    expect(stack.upstream.requests[0]!.query.$skip).toBeUndefined();
  });

  it('reveals nothing of the upstream in a cursor', async () => {
    const cursor = await cursorOf();
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
    expect(decoded).not.toContain('connections');
    expect(decoded).not.toContain('127.0.0.1');
    expect(cursor).not.toContain(new URL(stack.serviceRoot).host);
  });

  it.each([
    ['another connection', {}, { c: 'c2' }],
    ['another filter', {}, { f: { status: { eq: 'COMPLETED' } } }],
    ['another order', {}, { o: [{ field: 'STATUS' }] }],
    ['the unfiltered list (cursor from a filtered one)', { f: { status: { ne: 'UNSPECIFIED' } } }, {}],
  ])('refuses a genuine cursor replayed onto %s', async (_name, issuedWith, replayedWith) => {
    stack.upstream.store.putOperation('c2', { id: 'z', status: 'completed' });
    const cursor = await cursorOf(issuedWith);
    const result = await stack.gql(LIST, { c: 'c1', n: 1, ...replayedWith, a: cursor });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it('refuses a genuine cursor with any one bit flipped, truncated, extended or padded', async () => {
    const cursor = await cursorOf();
    const bytes = Buffer.from(cursor, 'base64url');
    const altered: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x01;
      altered.push(copy.toString('base64url'));
    }
    // Same bytes, other spellings: with padding, and in the standard alphabet when that differs.
    altered.push(`${cursor}=`);
    if (bytes.toString('base64') !== cursor) altered.push(bytes.toString('base64'));
    altered.push(cursor.slice(0, -1), `${cursor}A`);
    for (const a of altered) {
      const result = await stack.gql(LIST, { c: 'c1', n: 1, a });
      expect(result.errors?.[0]?.extensions, a).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
    expect(stack.upstream.requests).toHaveLength(0);
  });
});

describe('malformed global ids read as null, with no upstream request', () => {
  it.each([
    ['empty', ''],
    ['not base64url', '!!!'],
    ['not JSON', rawGlobalId('hello')],
    ['an unknown type', rawGlobalId('["ExternalConnection","c1","a"]')],
    ['too few keys', rawGlobalId('["ConnectionOperation","c1"]')],
    ['too many keys', rawGlobalId('["ConnectionOperation","c1","a","b"]')],
    ['a key that is not a string', rawGlobalId('["ConnectionOperation","c1",1]')],
    ['an empty key', rawGlobalId('["ConnectionOperation","c1",""]')],
    ['a control character in a key', rawGlobalId('["ConnectionOperation","c1","a\\u0000"]')],
    ['a non-canonical JSON spelling', rawGlobalId('[ "ConnectionOperation", "c1", "a" ]')],
    ['an escaped JSON spelling', rawGlobalId('["ConnectionOperation","c1","\\u0061"]')],
    ['base64 padding', `${globalId('c1', 'a')}==`],
    ['standard base64', Buffer.from('["ConnectionOperation","c1","a"]').toString('base64')],
    ['oversized', 'A'.repeat(100_000)],
    ['the bare operationId', 'a'],
  ])('%s', async (_name, id) => {
    const single = await stack.gql(NODE, { id });
    expect(single.errors).toBeUndefined();
    expect(single.data).toEqual({ node: null });
    const many = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [id, globalId('c1', 'a')] });
    expect(many.errors).toBeUndefined();
    expect(many.data).toEqual({ nodes: [null, { id: globalId('c1', 'a') }] });
    // Only the well-formed id was read.
    expect(stack.upstream.requests.map((r) => r.path.slice(rootPath.length))).toEqual(['/connections/c1/operations/a']);
  });
});

describe('filter injection is escaped into literals', () => {
  it.each(["a' or id ne 'x", "a') or (id ne 'x", "a' or true or id eq '", "a'&$top=1000&$filter=id ne '", "x%27%20or%20true", "\u2019 or 1 eq 1"])('%j matches nothing', async (value) => {
    const result = await stack.gql(LIST, { c: 'c1', f: { operationId: { eq: value } } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperations.nodes).toEqual([]);
    expect(stack.upstream.requests).toHaveLength(1);
    const [request] = stack.upstream.requests;
    expect(request!.query.$filter).toBe(`id eq '${value.replace(/'/g, "''")}'`);
    // $top: the default page size (100); $select: every property the schema maps (lists always read all).
    expect(request!.query).toEqual({ $filter: request!.query.$filter, $select: 'id,status,error', $top: '100' });
  });
});

describe('document and HTTP limits', () => {
  async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const response = await fetch(`${stack.url}/graphql`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }) : {} };
  }

  /**
   * A document limit's refusal: BAD_USER_INPUT naming the limit (without Armor's "Syntax Error" prefix), and
   * HTTP 400 for `application/graphql-response+json`. (For `application/json`, a limit hit while parsing is
   * 200, as GraphQL over HTTP asks of that media type; one hit at validation is 400.)
   */
  async function expectLimitRefusal(query: string, limit: RegExp) {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const { status, body } = await post(JSON.stringify({ query }), { 'content-type': 'application/json', accept });
      if (accept !== 'application/json') expect(status).toBe(400);
      expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(limit), extensions: { code: 'BAD_USER_INPUT' } })]);
      expect(body.errors?.[0]?.message).not.toContain('Syntax Error');
    }
    expect(stack.upstream.requests).toHaveLength(0);
  }

  it('refuses a document past the cost limit with 400, also when every list keeps `first` under its own cap', async () => {
    const query = `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: connectionOperations(connectionId: "c1", first: 1000) { nodes { status } }`).join(' ')} }`;
    await expectLimitRefusal(query, /^Query Cost limit of 50000 exceeded/);
  });

  it('refuses an alias bomb', async () => {
    // Cheap aliases, so that the alias limit (500) is hit before the token limit.
    const query = `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: node(id: "x") { id }`).join(' ')} }`;
    await expectLimitRefusal(query, /aliases/i);
  });

  it('refuses a depth bomb through introspection', async () => {
    const query = `{ __schema { types { ${'fields { type { '.repeat(15)}name${' } }'.repeat(15)} } } }`;
    const { body } = await post(JSON.stringify({ query }));
    expect(code(body)).toBe('BAD_USER_INPUT');
  });

  it('refuses a token bomb', async () => {
    const query = `{ connectionOperation(connectionId: "c1", operationId: "a") { ${'operationId '.repeat(20_000)} } }`;
    await expectLimitRefusal(query, /token/i);
  });

  it('refuses a directive bomb', async () => {
    const query = `{ connectionOperation(connectionId: "c1", operationId: "a") { operationId ${'@include(if: true) '.repeat(100)} } }`;
    await expectLimitRefusal(query, /directive/i);
  });

  it('refuses a huge body with 413', async () => {
    const { status, body } = await post(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2_000_000) } }));
    expect(status).toBe(413);
    expect(code(body)).toBe('BAD_USER_INPUT');
  });

  it('refuses a body of unknown length with 411', async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"query":"{ __typename }"}'));
        controller.close();
      },
    });
    const response = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(411);
    expect(code((await response.json()) as never)).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['application/xml', 415],
    ['image/png', 415],
    ['text/plain', 403],
    ['application/x-www-form-urlencoded', 403],
  ])('refuses content type %s with %i and a typed error (no mutation runs)', async (type, status) => {
    const body = type.includes('urlencoded')
      ? 'query=mutation%20%7B%20deleteConnectionOperation(connectionId%3A%20%22c1%22%2C%20operationId%3A%20%22a%22)%20%7B%20deletedId%20%7D%20%7D'
      : '{"query":"mutation { deleteConnectionOperation(connectionId: \\"c1\\", operationId: \\"a\\") { deletedId } }"}';
    const result = await post(body, { 'content-type': type });
    expect(result.status).toBe(status);
    expect(code(result.body)).toBe('BAD_USER_INPUT');
    expect(stack.upstream.store.getOperation('c1', 'a')).toBeDefined();
  });

  it('refuses a mutation over GET', async () => {
    const response = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('mutation { deleteConnectionOperation(connectionId: "c1", operationId: "a") { deletedId } }')}`);
    expect(response.status).toBe(405);
    expect(stack.upstream.store.getOperation('c1', 'a')).toBeDefined();
  });

  it('refuses malformed JSON and wrong shapes', async () => {
    for (const body of ['{"query":', '[]', '{"query": 42}', '{"query":"{ __typename }","variables":"x"}']) {
      const result = await post(body);
      expect(result.status).toBe(400);
      expect(result.body.errors?.length).toBeGreaterThan(0);
    }
  });
});

describe('afterwards', () => {
  it('is still up and serving', async () => {
    const result = await stack.gql(READ, { c: 'c1', id: 'a' });
    expect(result.data!.connectionOperation).toEqual({ operationId: 'a' });
  });
});
