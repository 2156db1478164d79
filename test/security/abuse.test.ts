/**
 * Hostile input: each case must get a typed error (or, for ids that are merely odd, a correct answer),
 * no upstream request may leave `{root}/connections/…` or `{root}/$batch`, and the process stays up.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const CONTRACT_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN']);
const READ = 'query($c: ID!, $id: ID!) { connectionOperation(connectionId: $c, id: $id) { id } }';
const LIST = 'query($c: ID!, $a: String, $f: ConnectionOperationFilter, $n: Int) { connectionOperations(connectionId: $c, after: $a, filter: $f, first: $n) { nodes { id } } }';

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

  it('confines ids inside $batch parts too', async () => {
    const result = await stack.gql(`{
      a: connectionOperation(connectionId: "c1", id: "..") { id }
      b: connectionOperation(connectionId: "c1", id: "../../$metadata") { id }
      c: connectionOperation(connectionId: "..", id: "a") { id }
      d: connectionOperation(connectionId: "c1", id: "a") { id }
    }`);
    expect(result.data).toEqual({ a: null, b: null, c: null, d: { id: 'a' } });
    expect(stack.upstream.requests.filter((r) => r.batchPart).length).toBe(4);
    expectConfined();
  });

  it.each(['..', '../../x', '$ref'])('create with id %j stays one entity', async (id) => {
    const result = await stack.gql('mutation($id: ID) { createConnectionOperation(connectionId: "c1", input: { id: $id }) { id } }', { id });
    expect(result.data!.createConnectionOperation).toEqual({ id });
    expect(stack.upstream.store.getOperation('c1', id)).toBeDefined();
    expectConfined();
  });
});

describe('refused before any upstream request', () => {
  const refusals: Array<[string, string, Record<string, unknown>]> = [
    ['empty id', READ, { c: 'c1', id: '' }],
    ['oversized id', READ, { c: 'c1', id: 'x'.repeat(10_000) }],
    ['NUL in id', READ, { c: 'c1', id: 'a\u0000' }],
    ['CRLF in id', READ, { c: 'c1', id: 'a\r\nHost: evil' }],
    ['DEL in id', READ, { c: 'c1', id: 'a\u007f' }],
    ['lone surrogate', READ, { c: 'c1', id: '\ud800' }],
    ['empty connection', READ, { c: '', id: 'a' }],
    ['oversized connection', READ, { c: 'c'.repeat(600), id: 'a' }],
    ['cursor: garbage', LIST, { c: 'c1', a: '!!!' }],
    ['cursor: not JSON', LIST, { c: 'c1', a: Buffer.from('hello').toString('base64url') }],
    ['cursor: other host', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'http://evil.example/beta/connections/c1/operations', 0, ''])).toString('base64url') }],
    ['cursor: cloud metadata', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'http://169.254.169.254/latest/meta-data', 0, ''])).toString('base64url') }],
    ['cursor: file URL', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'file:///etc/passwd', 0, ''])).toString('base64url') }],
    ['cursor: huge skip', LIST, { c: 'c1', a: Buffer.from(JSON.stringify([1, 'http://127.0.0.1/beta/connections/c1/operations', 1e12, ''])).toString('base64url') }],
    ['cursor: oversized', LIST, { c: 'c1', a: 'A'.repeat(20_000) }],
    ['first: 0', LIST, { c: 'c1', n: 0 }],
    ['first: huge', LIST, { c: 'c1', n: 100_000 }],
    ['first: negative', LIST, { c: 'c1', n: -5 }],
    ['filter: 1000-value in', LIST, { c: 'c1', f: { id: { in: Array.from({ length: 1000 }, (_, i) => `x${i}`) } } }],
    ['filter: deep or', LIST, { c: 'c1', f: JSON.parse('{"or":[{"or":[{"or":[{"or":[{"or":[{"or":[{"id":{"eq":"a"}}]}]}]}]}]}]}') }],
    ['filter: control character', LIST, { c: 'c1', f: { id: { eq: 'a\u0001' } } }],
  ];

  it.each(refusals)('%s → BAD_USER_INPUT', async (_name, query, variables) => {
    const result = await stack.gql(query, variables);
    expect(code(result)).toBe('BAD_USER_INPUT');
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it.each([
    ['header-injecting ifMatch', 'mutation { deleteConnectionOperation(connectionId: "c1", id: "a", ifMatch: "x\\r\\nx-evil: 1") { id } }'],
    ['oversized error message', `mutation { createConnectionOperation(connectionId: "c1", input: { error: { message: "${'m'.repeat(5000)}" } }) { id } }`],
    ['too many details', `mutation { createConnectionOperation(connectionId: "c1", input: { error: { details: [${'{ source: "s" },'.repeat(101)}] } }) { id } }`],
    ['control character in create id', 'mutation { createConnectionOperation(connectionId: "c1", input: { id: "a\\u0000" }) { id } }'],
  ])('%s → BAD_USER_INPUT', async (_name, query) => {
    const result = await stack.gql(query);
    expect(code(result)).toBe('BAD_USER_INPUT');
    expect(stack.upstream.requests).toHaveLength(0);
  });
});

describe('filter injection is escaped into literals', () => {
  it.each(["a' or id ne 'x", "a') or (id ne 'x", "a' or true or id eq '", "a'&$top=1000&$filter=id ne '", "x%27%20or%20true", "\u2019 or 1 eq 1"])('%j matches nothing', async (value) => {
    const result = await stack.gql(LIST, { c: 'c1', f: { id: { eq: value } } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperations.nodes).toEqual([]);
    const [request] = stack.upstream.requests;
    expect(request!.query.$filter).toBe(`id eq '${value.replace(/'/g, "''")}'`);
    expect(Object.keys(request!.query).sort()).toEqual(['$filter', '$select']);
  });
});

describe('document and HTTP limits', () => {
  async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const response = await fetch(`${stack.url}/graphql`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as { errors?: Array<{ extensions?: Record<string, unknown> }> }) : {} };
  }

  it('refuses an alias bomb', async () => {
    const query = `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: connectionOperation(connectionId: "c1", id: "a") { id }`).join(' ')} }`;
    const { body } = await post(JSON.stringify({ query }));
    expect(code(body)).toBe('BAD_USER_INPUT');
  });

  it('refuses a depth bomb through introspection', async () => {
    const query = `{ __schema { types { ${'fields { type { '.repeat(15)}name${' } }'.repeat(15)} } } }`;
    const { body } = await post(JSON.stringify({ query }));
    expect(code(body)).toBe('BAD_USER_INPUT');
  });

  it('refuses a token bomb', async () => {
    const query = `{ connectionOperation(connectionId: "c1", id: "a") { ${'id '.repeat(20_000)} } }`;
    const { body } = await post(JSON.stringify({ query }));
    expect(code(body)).toBe('BAD_USER_INPUT');
  });

  it('refuses a directive bomb', async () => {
    const query = `{ connectionOperation(connectionId: "c1", id: "a") { id ${'@include(if: true) '.repeat(100)} } }`;
    const { body } = await post(JSON.stringify({ query }));
    expect(code(body)).toBe('BAD_USER_INPUT');
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
      ? 'query=mutation%20%7B%20deleteConnectionOperation(connectionId%3A%20%22c1%22%2C%20id%3A%20%22a%22)%20%7B%20id%20%7D%20%7D'
      : '{"query":"mutation { deleteConnectionOperation(connectionId: \\"c1\\", id: \\"a\\") { id } }"}';
    const result = await post(body, { 'content-type': type });
    expect(result.status).toBe(status);
    expect(code(result.body)).toBe('BAD_USER_INPUT');
    expect(stack.upstream.store.getOperation('c1', 'a')).toBeDefined();
  });

  it('refuses a mutation over GET', async () => {
    const response = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('mutation { deleteConnectionOperation(connectionId: "c1", id: "a") { id } }')}`);
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
    expect(result.data!.connectionOperation).toEqual({ id: 'a' });
  });
});
