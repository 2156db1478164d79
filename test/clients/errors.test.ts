/**
 * Typed errors as the real clients expose them: urql (`@urql/core` with fetchExchange) and graphql-request,
 * against the running gateway over loopback HTTP. A refused argument, an upstream fault and a 404 read each
 * reach the application as the contract says (errors table of DESIGN.md section 2).
 */
import { Client, CombinedError, fetchExchange } from '@urql/core';
import { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';
import { recordingFetch } from './support.js';

const LIST = /* GraphQL */ `
  query List($first: Int) {
    connectionOperations(connectionId: "c1", first: $first) {
      nodes {
        id
        operationId
      }
    }
  }
`;

const READ = /* GraphQL */ `
  query Read($operationId: ID!) {
    connectionOperation(connectionId: "c1", operationId: $operationId) {
      id
      operationId
      status
    }
  }
`;

describe('typed errors in urql and graphql-request', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.store.putOperation('c1', { id: 'present', status: 'completed' });
  });

  /** The error must not carry anything of the upstream: no URL, host or port of it. */
  function expectNothingOfTheUpstream(value: unknown): void {
    const text = JSON.stringify(value);
    expect(text).not.toContain(new URL(stack.serviceRoot).host);
    expect(text).not.toContain('/connections/');
  }

  describe('urql', () => {
    function urql() {
      const recorder = recordingFetch();
      const client = new Client({ url: `${stack.url}/graphql`, exchanges: [fetchExchange], fetch: recorder.fetch, requestPolicy: 'network-only' });
      return { client, exchanges: recorder.exchanges };
    }

    it('a bad `first` is a CombinedError whose graphQLErrors[0] carries BAD_USER_INPUT, and nothing went upstream', async () => {
      const { client, exchanges } = urql();
      const result = await client.query(LIST, { first: 0 }).toPromise();
      expect(result.error).toBeInstanceOf(CombinedError);
      expect(result.error!.networkError).toBeUndefined();
      expect(result.error!.graphQLErrors).toHaveLength(1);
      const [error] = result.error!.graphQLErrors;
      expect(error!.message).toBe('`first` must be from 1 to 1000; got 0.');
      expect(error!.path).toEqual(['connectionOperations']);
      expect(error!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first' });
      expect(result.data).toBeNull();
      expect(exchanges).toHaveLength(1);
      expect(stack.upstream.requests).toHaveLength(0);
    });

    it('an upstream 500 is UPSTREAM_ERROR with upstreamStatus, next to null data for the field', async () => {
      stack.upstream.faults.add({ fault: { type: 'status', status: 500 } });
      const { client } = urql();
      const result = await client.query(READ, { operationId: 'present' }).toPromise();
      expect(result.error).toBeInstanceOf(CombinedError);
      expect(result.error!.networkError).toBeUndefined();
      const [error] = result.error!.graphQLErrors;
      expect(error!.path).toEqual(['connectionOperation']);
      // The upstream's status, its error.code and request-id: nothing else of it.
      expect(error!.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstreamStatus: 500, odataCode: 'InternalServerError', requestId: expect.any(String) });
      expect(result.data).toEqual({ connectionOperation: null });
      expectNothingOfTheUpstream(result.error!.graphQLErrors);
      // Sent once: a 500 is not retried.
      expect(stack.upstream.requests.map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['GET /connections/c1/operations/present']);
    });

    it('a 404 read is null data without an error', async () => {
      const { client } = urql();
      const result = await client.query(READ, { operationId: 'absent' }).toPromise();
      expect(result.error).toBeUndefined();
      expect(result.data).toEqual({ connectionOperation: null });
      expect(stack.upstream.requests.map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['GET /connections/c1/operations/absent']);
      // and the same client reads a present one normally
      const present = await client.query(READ, { operationId: 'present' }).toPromise();
      expect(present.error).toBeUndefined();
      expect(present.data).toEqual({ connectionOperation: { id: expect.any(String), operationId: 'present', status: 'COMPLETED' } });
    });
  });

  describe('graphql-request', () => {
    function graphqlRequest() {
      const recorder = recordingFetch();
      return { client: new GraphQLClient(`${stack.url}/graphql`, { fetch: recorder.fetch }), exchanges: recorder.exchanges };
    }

    async function clientError(promise: Promise<unknown>): Promise<ClientError> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ClientError);
      return error as ClientError;
    }

    it('a bad `first` rejects with a ClientError whose response.errors[0] carries BAD_USER_INPUT', async () => {
      const { client } = graphqlRequest();
      const error = await clientError(client.request(LIST, { first: 1001 }));
      expect(error.response.status).toBe(200);
      expect(error.response.errors).toEqual([
        {
          message: '`first` must be from 1 to 1000; got 1001.',
          locations: [{ line: 3, column: 5 }],
          path: ['connectionOperations'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
        },
      ]);
      expect(error.response.data).toBeNull();
      expect(error.request.variables).toEqual({ first: 1001 });
      expect(stack.upstream.requests).toHaveLength(0);
    });

    it('an upstream 500 rejects with a ClientError: UPSTREAM_ERROR, upstreamStatus, and the partial data', async () => {
      stack.upstream.faults.add({ fault: { type: 'status', status: 500 } });
      const { client } = graphqlRequest();
      const error = await clientError(client.request(READ, { operationId: 'present' }));
      expect(error.response.errors).toHaveLength(1);
      expect(error.response.errors![0]).toMatchObject({ message: 'The upstream failed to answer properly.', path: ['connectionOperation'] });
      expect(error.response.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstreamStatus: 500, odataCode: 'InternalServerError', requestId: expect.any(String) });
      expect(error.response.data).toEqual({ connectionOperation: null });
      expectNothingOfTheUpstream(error.response);
      expect(stack.upstream.requests).toHaveLength(1);
    });

    it('a 404 read resolves to null data', async () => {
      const { client, exchanges } = graphqlRequest();
      await expect(client.request(READ, { operationId: 'absent' })).resolves.toEqual({ connectionOperation: null });
      expect(exchanges.map((x) => [x.status, x.response.errors])).toEqual([[200, undefined]]);
      expect(stack.upstream.requests).toHaveLength(1);
    });
  });
});
