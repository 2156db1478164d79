/**
 * Every error code the gateway answers is in the README's error table: the contract's codes, and the ones
 * yoga and its plugins answer, each provoked here over real loopback HTTP (POST, the direct path, and GET,
 * yoga's path). A client mistake is never answered as INTERNAL_SERVER_ERROR (which says "a bug, logged").
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { ERROR_CODES as COUNTED_CODES } from '../../src/metrics/gateway-metrics.js';
import { startStack, type Stack } from '../support/stack.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The codes of the README's error table (rows `| \`CODE\` / \`CODE\` | when |` after "## Errors"). */
const documented = new Set(
  README.slice(README.indexOf('\n## Errors'))
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+`/.test(line))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!)),
);

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
const hashOf = (query: string) => createHash('sha256').update(query).digest('hex');

describe('error codes', () => {
  let stack: Stack;
  let graphql: string;
  beforeAll(async () => {
    stack = await startStack();
    graphql = `${stack.url}/graphql`;
  });
  afterAll(() => stack?.close());

  const post = (body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
    fetch(graphql, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const get = (query: string) => fetch(`${graphql}?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json' } });

  /** What the gateway answers to requests that fail, each a different way: [what, status, codes]. */
  async function answers(): Promise<Array<[string, number, string[]]>> {
    const form = new URLSearchParams({ query: '{ __typename }' });
    const cases: Array<[string, Promise<Response>]> = [
      ['a syntax error', post({ query: '{' })],
      ['a syntax error over GET', get('{')],
      ['an unknown field', post({ query: '{ nope }' })],
      ['two operations, no operationName', post({ query: 'query A { __typename } query B { __typename }' })],
      ['no query', post({})],
      ['variables not an object', post({ query: '{ __typename }', variables: 'x' })],
      ['a batch', post([{ query: '{ __typename }' }])],
      ['a mutation over GET', get('mutation { deleteConnectionOperation(connectionId: "a", operationId: "b") { deletedId } }')],
      ['PUT', fetch(graphql, { method: 'PUT', headers: JSON_HEADERS, body: '{}' })],
      ['an unknown persisted query', post({ extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('{ nope }') } } })],
      ['a persisted query with another hash', post({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('{ nope }') } } })],
      ['a form POST without a CSRF header', post(form.toString(), { 'content-type': 'application/x-www-form-urlencoded' })],
      ['a variable of the wrong type', post({ query: 'query($first: Int) { connectionOperations(connectionId: "contosohr", first: $first) { totalCount } }', variables: { first: 'x' } })],
      ['first out of range', post({ query: '{ connectionOperations(connectionId: "contosohr", first: 5000) { totalCount } }' })],
      ['an unknown connection', post({ query: '{ connectionOperations(connectionId: "nosuchconnection") { totalCount } }' })],
      ['a representation of an unknown type', post({ query: ENTITIES, variables: { r: [{ __typename: 'Nope', id: 'x' }] } })],
      ['a representation that is not an object', post({ query: ENTITIES, variables: { r: ['x'] } })],
    ];
    const out: Array<[string, number, string[]]> = [];
    for (const [what, sent] of cases) {
      const response = await sent;
      const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: unknown } }> };
      out.push([what, response.status, (body.errors ?? []).map((error) => String(error.extensions?.code))]);
    }
    return out;
  }

  it('every code answered, and every code of the contract, is in the README\'s error table', async () => {
    const answered = await answers();
    for (const [what, , codes] of answered) expect(codes.length, `${what} answers an error`).toBeGreaterThan(0);
    const codes = new Set(answered.flatMap(([, , c]) => c));
    for (const code of [...codes, ...ERROR_CODES]) expect(documented, `${code} is in the README's error table`).toContain(code);
    // The table lists nothing the gateway never answers (besides what needs a failing upstream or a bug).
    const needUpstreamOrBug = new Set([...ERROR_CODES, 'INTERNAL_SERVER_ERROR']);
    expect([...documented].filter((code) => !codes.has(code) && !needUpstreamOrBug.has(code))).toEqual([]);
    // The metrics count each documented code by its name (not as `other`).
    for (const code of documented) expect(COUNTED_CODES, `gateway_graphql_errors_total counts ${code}`).toContain(code);
    // No client mistake is answered as a bug.
    expect(answered.filter(([, , c]) => c.includes('INTERNAL_SERVER_ERROR'))).toEqual([]);
  });

  it('_entities refuses a representation of no entity type of this subgraph with BAD_USER_INPUT, naming the types', async () => {
    const response = await post({ query: ENTITIES, variables: { r: [{ __typename: 'ConnectionOperation', id: 'x' }, { __typename: 'Nope' }] } });
    const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> };
    expect(body.data).toBeNull(); // `_entities` is non-null: the whole data goes
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      path: ['_entities'],
      extensions: { code: 'BAD_USER_INPUT', argument: 'representations' },
      message: 'Each representation must be an object whose __typename is one of this subgraph\'s entity types (ConnectionOperation, ExternalConnection); got __typename "Nope".',
    });
  });
});
