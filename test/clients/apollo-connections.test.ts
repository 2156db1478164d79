/**
 * Apollo Client's default InMemoryCache with connections and their operations: no typePolicies, since the
 * global `id` tells an ExternalConnection from a ConnectionOperation even when their OData keys are equal.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { recordingFetch } from './support.js';

const CONNECTIONS = gql`
  query Connections {
    externalConnections(first: 5) {
      nodes {
        id
        connectionId
        state
        operations(first: 5) {
          nodes {
            id
            operationId
            connectionId
            status
          }
        }
      }
    }
  }
`;

describe('Apollo Client with external connections', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    // An operation whose key equals its connection's key, and one key in two connections.
    stack.upstream.store.putConnection({ id: 'same', name: 'Same', state: 'ready' });
    stack.upstream.store.putOperation('same', { id: 'same', status: 'completed' });
    stack.upstream.store.putOperation('same', { id: 'shared', status: 'failed' });
    stack.upstream.store.putConnection({ id: 'other', name: 'Other', state: 'draft' });
    stack.upstream.store.putOperation('other', { id: 'shared', status: 'inprogress' });
  });

  it('keeps connections and operations apart in the normalized cache, and reads them back from it alone', async () => {
    const recorder = recordingFetch();
    const client = new ApolloClient({ link: new HttpLink({ uri: `${stack.url}/graphql`, fetch: recorder.fetch }), cache: new InMemoryCache() });
    const result = await client.query({ query: CONNECTIONS });
    const [same, other] = result.data.externalConnections.nodes;
    expect(same.operations.nodes.map((o: { operationId: string }) => o.operationId)).toEqual(['same', 'shared']);
    expect(same.id).not.toBe(same.operations.nodes[0].id);

    const cache = client.cache.extract() as Record<string, { __typename?: string; status?: string; state?: string }>;
    const keysOf = (type: string) => Object.keys(cache).filter((key) => cache[key]!.__typename === type).sort();
    expect(keysOf('ExternalConnection')).toEqual([`ExternalConnection:${same.id}`, `ExternalConnection:${other.id}`].sort());
    expect(keysOf('ConnectionOperation')).toHaveLength(3);
    expect(cache[`ExternalConnection:${same.id}`]!.state).toBe('READY');
    expect(cache[`ConnectionOperation:${same.operations.nodes[0].id}`]!.status).toBe('COMPLETED');
    expect(cache[`ConnectionOperation:${other.operations.nodes[0].id}`]!.status).toBe('IN_PROGRESS');

    const again = await client.query({ query: CONNECTIONS, fetchPolicy: 'cache-only' });
    expect(again.data).toEqual(result.data);
    expect(recorder.exchanges).toHaveLength(1);
  });
});
