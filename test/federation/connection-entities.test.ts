/** Federation `_entities` for ExternalConnection, by `{ id }` and by `{ connectionId }`, read in one $batch. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const gid = (connectionId: string) => encodeGlobalId({ type: 'ExternalConnection', connectionId });
const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on ExternalConnection { id connectionId name state } }
}`;

describe('ExternalConnection _entities', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.store.putConnection({ id: 'c0', name: 'Zero', state: 'ready' });
    stack.upstream.store.putConnection({ id: 'c/1', name: 'One', state: 'draft' });
  });

  it('resolves both keys in order, an unknown one as null, in one $batch of connection reads', async () => {
    const result = await stack.gql(ENTITIES, {
      representations: [
        { __typename: 'ExternalConnection', connectionId: 'c/1' },
        { __typename: 'ExternalConnection', id: gid('c0') },
        { __typename: 'ExternalConnection', connectionId: 'missing' },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      _entities: [
        { id: gid('c/1'), connectionId: 'c/1', name: 'One', state: 'DRAFT' },
        { id: gid('c0'), connectionId: 'c0', name: 'Zero', state: 'READY' },
        null,
      ],
    });
    expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['POST /$batch']);
    expect(stack.batchParts().map((p) => pathBelowRoot(stack, p)).sort()).toEqual(['/connections/c%2F1', '/connections/c0', '/connections/missing']);
  });

  it('serves the schema of each entity (issue 20): the schemas read together in one $batch, null where none is registered', async () => {
    stack.upstream.store.putSchema('c0', { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'string', isSearchable: true, labels: ['title'] }] });
    const result = await stack.gql(
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on ExternalConnection { connectionId schema { baseType properties { name type isSearchable labels } } } }
      }`,
      { representations: [{ __typename: 'ExternalConnection', id: gid('c0') }, { __typename: 'ExternalConnection', connectionId: 'c/1' }] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      _entities: [
        { connectionId: 'c0', schema: { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'STRING', isSearchable: true, labels: ['TITLE'] }] } },
        { connectionId: 'c/1', schema: null },
      ],
    });
    expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['POST /$batch', 'POST /$batch']);
    expect(stack.batchParts().map((p) => pathBelowRoot(stack, p)).sort()).toEqual(['/connections/c%2F1', '/connections/c%2F1/schema', '/connections/c0', '/connections/c0/schema']);
  });

  it('refuses an operation id given as a connection id, with no upstream request', async () => {
    const opId = encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c0', operationId: 'x' });
    const result = await stack.gql(ENTITIES, { representations: [{ __typename: 'ExternalConnection', id: opId }] });
    expect(result.data).toEqual({ _entities: [null] });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(stack.upstream.requests).toHaveLength(0);
  });
});
