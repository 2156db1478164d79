import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const OPERATION_FIELDS = 'id operationId connectionId status etag error { errorCode message details { source message } }';

describe.each(['connections', 'external/connections'] as const)('reads by key over %s', (connectionsPath) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { connectionsPath } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.store.putOperation('c1', {
      id: 'op-1',
      status: 'failed',
      error: { errorCode: 'E1', message: 'broken', details: [{ source: 'crawler', message: 'timeout' }, { source: 'parser', message: 'bad' }] },
    });
    stack.upstream.store.putOperation('c1', { id: 'op-2', status: 'inprogress', error: null });
  });

  it('reads one operation with one GET, $select from the selection set and the key always', async () => {
    const result = await stack.gql(`{ connectionOperation(connectionId: "c1", operationId: "op-1") { ${OPERATION_FIELDS} } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperation).toEqual({
      id: encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c1', operationId: 'op-1' }),
      operationId: 'op-1',
      connectionId: 'c1',
      status: 'FAILED',
      etag: stack.upstream.store.getOperation('c1', 'op-1')!.etag,
      error: { errorCode: 'E1', message: 'broken', details: [{ source: 'crawler', message: 'timeout' }, { source: 'parser', message: 'bad' }] },
    });
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(pathBelowRoot(stack, requests[0]!)).toBe(`/${connectionsPath}/c1/operations/op-1`);
    expect(requests[0]!.query).toEqual({ $select: 'id,status,error' });
  });

  it('selects only what is asked for, through fragments', async () => {
    const result = await stack.gql(`
      query { connectionOperation(connectionId: "c1", operationId: "op-2") { ...F } }
      fragment F on ConnectionOperation { connectionId ... on ConnectionOperation { status } }`);
    expect(result.data!.connectionOperation).toEqual({ connectionId: 'c1', status: 'IN_PROGRESS' });
    expect(stack.httpRequests()[0]!.query).toEqual({ $select: 'id,status' });
  });

  it('answers null for an unknown operation (upstream 404) and keeps other fields', async () => {
    const result = await stack.gql(`{
      missing: connectionOperation(connectionId: "c1", operationId: "nope") { id }
      present: connectionOperation(connectionId: "c1", operationId: "op-2") { id operationId }
    }`);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      missing: null,
      present: { id: encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c1', operationId: 'op-2' }), operationId: 'op-2' },
    });
  });
});

describe('enum mapping and headers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.upstream.reset());

  it.each([
    ['unspecified', 'UNSPECIFIED'],
    ['inprogress', 'IN_PROGRESS'],
    ['completed', 'COMPLETED'],
    ['failed', 'FAILED'],
    ['unknownFutureValue', 'UNKNOWN_FUTURE_VALUE'],
    ['paused', 'UNKNOWN_FUTURE_VALUE'],
    ['someMemberAddedIn2030', 'UNKNOWN_FUTURE_VALUE'],
  ])('reads upstream %s as %s, never as an error', async (member, graphqlName) => {
    stack.upstream.store.putOperation('c1', { id: 'x', status: member });
    const result = await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "x") { status } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperation.status).toBe(graphqlName);
  });

  it('reads a null status as null', async () => {
    stack.upstream.store.putOperation('c1', { id: 'x', status: null });
    const result = await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "x") { status error { message } } }');
    expect(result.data!.connectionOperation).toEqual({ status: null, error: null });
  });

  it('forwards Authorization unchanged and client-request-id, or generates one per GraphQL request', async () => {
    stack.upstream.store.putOperation('c1', { id: 'x', status: 'completed' });
    await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "x") { id } }', undefined, {
      authorization: 'Bearer abc.def',
      'client-request-id': 'my-request-1',
    });
    await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "x") { id } }');
    await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "x") { id } }');
    const [first, second, third] = stack.httpRequests();
    expect(first!.headers.authorization).toBe('Bearer abc.def');
    expect(first!.headers['client-request-id']).toBe('my-request-1');
    expect(second!.headers.authorization).toBeUndefined();
    expect(second!.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(third!.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(third!.headers['client-request-id']).not.toBe(second!.headers['client-request-id']);
  });

  it('replaces an unsafe client-request-id instead of forwarding it', async () => {
    stack.upstream.store.putOperation('c1', { id: 'x', status: 'completed' });
    await stack.gql('{ connectionOperation(connectionId: "c1", operationId: "x") { id } }', undefined, { 'client-request-id': 'a'.repeat(300) });
    expect(stack.httpRequests()[0]!.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('hostile ids', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.upstream.reset());

  const ids = ['a/b', "it's", '100%', 'what?x=1', 'frag#ment', 'with space', 'ünïcødé ✓', '.', '..', '../..', "('x')", '$batch', '$metadata', '%2E%2E', 'a\\b'];

  it.each(ids)('reads id %j as exactly one path segment', async (id) => {
    stack.upstream.store.putOperation('c/1', { id, status: 'completed' });
    const result = await stack.gql('query($id: ID!) { connectionOperation(connectionId: "c/1", operationId: $id) { id operationId connectionId status } }', { id });
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperation).toEqual({
      id: encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c/1', operationId: id }),
      operationId: id,
      connectionId: 'c/1',
      status: 'COMPLETED',
    });
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1);
    const below = pathBelowRoot(stack, requests[0]!);
    const segments = below.split('/');
    expect(segments.slice(0, 4)).toEqual(['', 'connections', 'c%2F1', 'operations']);
    expect(segments).toHaveLength(5);
    expect(decodeURIComponent(segments[4]!)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['control characters', 'a\u0001b'],
    ['a newline', 'a\nb'],
    ['too long', 'x'.repeat(513)],
  ])('refuses an id that is %s with BAD_USER_INPUT and no upstream request', async (_name, id) => {
    const result = await stack.gql('query($id: ID!) { connectionOperation(connectionId: "c1", operationId: $id) { id } }', { id });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'operationId' });
    expect(result.data!.connectionOperation).toBeNull();
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it('refuses an empty connection id in every field', async () => {
    const result = await stack.gql(`{
      a: connectionOperation(connectionId: "", operationId: "x") { id }
      b: connectionOperations(connectionId: "") { nodes { id } }
    }`);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(stack.upstream.requests).toHaveLength(0);
  });
});
