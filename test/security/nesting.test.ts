/**
 * Input nested too deep to handle (src/plugins/use-nesting-limits.ts) and variable-coercion errors
 * (src/plugins/use-request-error-codes.ts), over real loopback HTTP. Without the limits, each refused input
 * here overflows the call stack somewhere in graphql-js, the executor or GraphQL Armor: a masked 500 and a
 * stack trace in the log. With them: 400 BAD_USER_INPUT, no upstream request, nothing in the error log, and
 * the gateway goes on serving. Input just inside the limits is still answered by the later stages.
 */
import { createHash } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultNestingLimits, documentNesting, jsonNesting } from '../../src/plugins/use-nesting-limits.js';
import { startStack, type Stack } from '../support/stack.js';

// Every logger the stack creates writes here, so a test can see what reached the error log.
const log = vi.hoisted(() => ({ lines: [] as string[] }));
vi.mock('../../src/logger.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/logger.js')>();
  return {
    ...actual,
    createLogger: (level: Parameters<typeof actual.createLogger>[0]) =>
      actual.createLogger(level, {
        write(line: string) {
          log.lines.push(line);
        },
      }),
  };
});

const { maxDocumentNesting, maxVariableNesting } = defaultNestingLimits;
const LIST = 'query($c: ID!, $f: ConnectionOperationFilter) { connectionOperations(connectionId: $c, filter: $f) { nodes { operationId } } }';
const READ = '{ connectionOperation(connectionId: "c1", operationId: "a") { operationId } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

/** Documents nested `depth` deep in the shapes that overflow: each one's nesting is checked below. */
const documents = {
  inlineFragments: (depth: number) => `{ ${'... on Query { '.repeat(depth)}__typename${' }'.repeat(depth)} }`,
  selections: (depth: number) => `{${'a{'.repeat(depth)}b${'}'.repeat(depth)}}`,
  orLiteral: (depth: number) =>
    `{ connectionOperations(connectionId: "c1", filter: ${'{or: ['.repeat(depth)}{status: {eq: COMPLETED}}${']}'.repeat(depth)}) { nodes { operationId } } }`,
  objectLiteral: (depth: number) =>
    `{ connectionOperations(connectionId: "c1", filter: ${'{operationId: '.repeat(depth)}{eq: "a"}${'}'.repeat(depth)}) { nodes { operationId } } }`,
  listLiteral: (depth: number) =>
    `{ connectionOperations(connectionId: "c1", filter: {operationId: {in: ${'['.repeat(depth)}"a"${']'.repeat(depth)}}}) { nodes { operationId } } }`,
  listType: (depth: number) => `query($x: ${'['.repeat(depth)}ID${']'.repeat(depth)}) { __typename }`,
};

/** `{"c": "c1", "f": <an or filter nested `depth` deep>}` as JSON text (JSON.stringify would overflow). */
function orVariablesText(depth: number, leaf = '{"status":{"eq":"COMPLETED"}}'): string {
  return `{"c":"c1","f":${'{"or":['.repeat(depth)}${leaf}${']}'.repeat(depth)}}`;
}

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ config: { logLevel: 'error' } });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.upstream.reset();
  stack.upstream.store.putOperation('c1', { id: 'a', status: 'completed' });
  log.lines.length = 0;
});

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** A POST of `body` as it is (JSON text), so variables can be deeper than JSON.stringify goes. */
function postText(body: string, accept = 'application/graphql-response+json'): Promise<Answer> {
  return fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body }).then(answer);
}

const post = (body: Record<string, unknown>, accept?: string) => postText(JSON.stringify(body), accept);

/** A GET with the parameters written into the URL as they are (`{`, `[` and `]` need no escaping there). */
function get(params: Record<string, string>): Promise<Answer> {
  const search = Object.entries(params)
    .map(([name, value]) => `${name}=${value.replace(/[%&#+ "]/g, (c) => encodeURIComponent(c))}`)
    .join('&');
  return fetch(`${stack.url}/graphql?${search}`, { headers: { accept: 'application/graphql-response+json' } }).then(answer);
}

/** Nothing reached the error log: no masked error, no stack trace. */
function expectQuietLog(): void {
  expect(log.lines.join('')).not.toMatch(/unexpected error|"stack"|RangeError/);
  expect(log.lines).toEqual([]);
}

function expectRefused(result: Answer, limit: 'document' | 'variables'): void {
  expect(result.status).toBe(400);
  expect(result.body.data).toBeUndefined();
  expect(result.body.errors).toHaveLength(1);
  expect(result.body.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  expect(result.body.errors![0]!.message).toContain(limit === 'document' ? `deeper than ${maxDocumentNesting} levels` : `deeper than ${maxVariableNesting} levels`);
  expect(stack.httpRequests()).toHaveLength(0);
  expectQuietLog();
}

/** The gateway still answers a normal query. */
async function expectStillServing(): Promise<void> {
  const result = await post({ query: READ });
  expect(result).toEqual({ status: 200, body: { data: { connectionOperation: { operationId: 'a' } } } });
}

describe('documents nested too deep are refused before they are parsed', () => {
  it.each([
    ['2,500 nested inline fragments', documents.inlineFragments(2500)],
    ['2,500 nested selection sets', documents.selections(2500)],
    ['a filter literal with `or` nested 2,000 deep', documents.orLiteral(2000)],
    ['object literals nested 2,000 deep', documents.objectLiteral(2000)],
    ['list literals nested 3,000 deep', documents.listLiteral(3000)],
    ['a variable of a list type nested 3,000 deep', documents.listType(3000)],
  ])('over POST: %s', async (_name, query) => {
    expectRefused(await post({ query }), 'document');
    await expectStillServing();
  });

  it('over GET: 2,500 nested selection sets in the query string', async () => {
    expectRefused(await get({ query: documents.selections(2500) }), 'document');
    await expectStillServing();
  });

  it('through automatic persisted queries: registering it is refused, and so is its hash alone (POST and GET)', async () => {
    const query = documents.inlineFragments(2500);
    expectRefused(await post({ query, extensions: persisted(query) }), 'document');
    expectRefused(await post({ extensions: persisted(query) }), 'document');
    expectRefused(await get({ extensions: JSON.stringify(persisted(query)) }), 'document');
    await expectStillServing();
  });
});

describe('variables nested too deep are refused before they are coerced', () => {
  it('over POST: an `or` filter nested 28,000 deep', async () => {
    const body = `{"query":${JSON.stringify(LIST)},"variables":${orVariablesText(28_000)}}`;
    expect(body.length).toBeLessThan(256 * 1024); // under MAX_BODY_BYTES: refused for its nesting, not its size
    expectRefused(await postText(body), 'variables');
    await expectStillServing();
  });

  it('over GET: an `or` filter nested 1,000 deep', async () => {
    expectRefused(await get({ query: LIST, variables: orVariablesText(1000) }), 'variables');
    await expectStillServing();
  });

  it('even in a variable the operation never uses', async () => {
    const body = `{"query":"{ __typename }","variables":{"unused":${'['.repeat(28_000)}${']'.repeat(28_000)}}}`;
    expectRefused(await postText(body), 'variables');
    await expectStillServing();
  });
});

describe('input inside the limits is answered by the later stages', () => {
  it('the shapes above at exactly the document limit: validated, limited or executed, never crashed', async () => {
    for (const [shape, make] of Object.entries(documents)) {
      // The depth that makes the document nest exactly maxDocumentNesting in this shape.
      let depth = 1;
      while (documentNesting(make(depth + 1)) <= maxDocumentNesting) depth += 1;
      const query = make(depth);
      expect(documentNesting(query), shape).toBeGreaterThanOrEqual(maxDocumentNesting - 1);
      const result = await post({ query });
      expect(result.status, shape).not.toBe(500);
      expect(result.body.errors?.map((e) => e.message).join(' ') ?? '', shape).not.toContain(`deeper than ${maxDocumentNesting} levels`);
      // One level deeper is this plugin's refusal.
      expectRefused(await post({ query: make(depth + 1) }), 'document');
    }
    expect(stack.httpRequests()).toHaveLength(0);
    expectQuietLog();
  });

  it('an `or` filter literal at the document limit reaches the resolver, which refuses it for its own bound', async () => {
    const query = documents.orLiteral(Math.floor((maxDocumentNesting - 3) / 2));
    expect(documentNesting(query)).toBeGreaterThan(maxDocumentNesting - 2);
    const result = await post({ query });
    expect(result.status).toBe(200);
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter' });
    expect(stack.httpRequests()).toHaveLength(0);
    expectQuietLog();
  });

  it('an `or` filter variable at exactly the variables limit reaches the resolver; one level deeper is refused', async () => {
    // {variables {f {or [ … {operationId {in [ "a" ]}} … ]}}}: 2 per `or` level, 4 around them.
    const depth = (maxVariableNesting - 4) / 2;
    const at = orVariablesText(depth, '{"operationId":{"in":["a"]}}');
    expect(jsonNesting(JSON.parse(at))).toBe(maxVariableNesting);
    const result = await postText(`{"query":${JSON.stringify(LIST)},"variables":${at}}`);
    expect(result.status).toBe(200);
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter' });
    const deeper = orVariablesText(depth + 1, '{"status":{"eq":"COMPLETED"}}');
    expect(jsonNesting(JSON.parse(deeper))).toBe(maxVariableNesting + 1);
    expectRefused(await postText(`{"query":${JSON.stringify(LIST)},"variables":${deeper}}`), 'variables');
  });

  it("GraphiQL's introspection query", async () => {
    for (const query of [getIntrospectionQuery(), getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })]) {
      const result = await post({ query });
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data).toHaveProperty('__schema.queryType.name', 'Query');
    }
    expectQuietLog();
  });

  it('a valid query with braces, brackets and comments inside strings, block strings and comments', async () => {
    // 300 openers in each of a comment, a string and a block string (both after an escaped quote):
    // 900 in all, past the limit if any were counted. Each string is a well-formed key (≤ 512 characters).
    const noise = '{['.repeat(150);
    const query = `# ${noise}\n{ connectionOperations(connectionId: "c1", filter: {operationId: {in: ["a", "\\" ${noise}", """\\""" ${noise}"""]}}) { nodes { operationId } } }`;
    expect(documentNesting(query)).toBe(4);
    const result = await post({ query });
    expect(result.body).toEqual({ data: { connectionOperations: { nodes: [{ operationId: 'a' }] } } });
    expectQuietLog();
  });

  describe('with MAX_DEPTH at its ceiling of 200 (and the cost limit out of the way, to see the depth rule alone)', () => {
    let deep: Stack;
    beforeAll(async () => {
      deep = await startStack({ config: { logLevel: 'error', maxDepth: 200, maxCost: Number.MAX_VALUE } });
    });
    afterAll(() => deep.close());

    it('a document 200 deep runs', async () => {
      const result = await deep.gql(documents.inlineFragments(199));
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ __typename: 'Query' });
    });

    it('the selection depth limit, not the nesting limit, refuses a document one level deeper', async () => {
      const result = await deep.gql(documents.inlineFragments(200));
      expect(result.errors?.map((e) => e.message)).toEqual(['Query depth limit of 200 exceeded, found 201.']);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});

describe('variable-coercion errors carry BAD_USER_INPUT and keep their HTTP status', () => {
  const query = 'query($c: ID!, $n: Int!) { connectionOperations(connectionId: $c, first: $n) { nodes { operationId } } }';
  const cases: Array<[string, Record<string, unknown>]> = [
    ['a string for Int!', { c: 'c1', n: 'abc' }],
    ['an Int! out of 32-bit range', { c: 'c1', n: 2 ** 40 }],
    ['a missing required variable', { c: 'c1' }],
    ['null for ID!', { c: null, n: 1 }],
    ['an object for ID!', { c: { a: 1 }, n: 1 }],
  ];
  // yoga answers these request errors with 400 for either media type.
  describe.each(['application/graphql-response+json', 'application/json'])('accept: %s', (accept) => {
    it.each(cases)('%s', async (_name, variables) => {
      const result = await post({ query, variables }, accept);
      expect(result.status).toBe(400);
      expect(result.body.data).toBeUndefined();
      expect(result.body.errors?.length).toBeGreaterThan(0);
      for (const error of result.body.errors!) {
        expect(error.message).toMatch(/^Variable "\$[cn]"/);
        expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
      }
      expect(stack.httpRequests()).toHaveLength(0);
      expectQuietLog();
    });
  });

  it('an error that already has a code keeps it (an unknown operation name)', async () => {
    const result = await post({ query: 'query A { __typename }', operationName: 'B' });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it('variables that coerce run as usual', async () => {
    const result = await post({ query, variables: { c: 'c1', n: 1 } });
    expect(result).toEqual({ status: 200, body: { data: { connectionOperations: { nodes: [{ operationId: 'a' }] } } } });
  });
});
