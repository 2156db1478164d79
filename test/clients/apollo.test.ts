/**
 * Apollo Client 3 (the `@apollo/client/core` entry, no React) against the running gateway over loopback HTTP,
 * with a default InMemoryCache: no typePolicies for ConnectionOperation, because contract v2's global `id`
 * must be enough for normalization. The only policy is relayStylePagination for the list field.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, gql, type ApolloQueryResult, HttpLink, InMemoryCache, type ApolloLink, type TypedDocumentNode } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectOnlyIssuedLinks, pathBelowRoot, startStack, type Stack } from '../support/stack.js';
import { expectedOperation, graphqlStatus, recordingFetch, selectOf } from './support.js';

interface Operation {
  __typename: 'ConnectionOperation';
  id: string;
  operationId: string;
  status?: string | null;
  error?: unknown;
}
interface Page {
  connectionOperations: {
    edges: Array<{ cursor: string; node: Operation }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
interface PageVariables {
  connectionId: string;
  first: number;
  after?: string | null;
  orderBy?: unknown;
}

const NARROW_PAGE: TypedDocumentNode<Page, PageVariables> = gql`
  query NarrowPage($connectionId: ID!, $first: Int, $after: String, $orderBy: [ConnectionOperationOrder!]) {
    connectionOperations(connectionId: $connectionId, first: $first, after: $after, orderBy: $orderBy) {
      edges {
        cursor
        node {
          id
          operationId
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const WIDE_PAGE: TypedDocumentNode<Page, PageVariables> = gql`
  query WidePage($connectionId: ID!, $first: Int, $after: String, $orderBy: [ConnectionOperationOrder!]) {
    connectionOperations(connectionId: $connectionId, first: $first, after: $after, orderBy: $orderBy) {
      edges {
        cursor
        node {
          id
          operationId
          status
          error {
            errorCode
            message
            details {
              source
              message
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const WIDE_FIELDS = gql`
  fragment WideFields on ConnectionOperation {
    id
    operationId
    status
    error {
      errorCode
      message
      details {
        source
        message
      }
    }
  }
`;

const NARROW_FIELDS = gql`
  fragment NarrowFields on ConnectionOperation {
    id
    operationId
  }
`;

const READ_ONE = gql`
  query ReadOne($connectionId: ID!, $operationId: ID!) {
    connectionOperation(connectionId: $connectionId, operationId: $operationId) {
      id
      operationId
      status
    }
  }
`;

function newCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: { Query: { fields: { connectionOperations: relayStylePagination(['connectionId', 'filter', 'orderBy']) } } },
  });
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('Apollo Client (InMemoryCache, HttpLink)', () => {
  let stack: Stack;
  let graphqlUrl: string;
  beforeAll(async () => {
    stack = await startStack();
    graphqlUrl = `${stack.url}/graphql`;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.upstream.reset());

  function newClient(link?: ApolloLink) {
    const recorder = recordingFetch();
    const client = new ApolloClient({ link: link ?? new HttpLink({ uri: graphqlUrl, fetch: recorder.fetch }), cache: newCache() });
    return { client, exchanges: recorder.exchanges };
  }

  it.each([
    ['refuses', 'refuse'],
    ['ignores', 'ignore'],
  ] as const)(
    'pages a whole connection with fetchMore over an upstream that %s $skip and pages unevenly: `first` 5, 10, 3, 20, 1, the selection widened, every node once and correct',
    async (_name, skip) => {
      // Graph's paging: uneven pages of at most 4, an empty page with a nextLink every 4th page, $skip refused or ignored.
      stack.upstream.setPaging({ skip, unevenPages: true, emptyPages: true });
      stack.upstream.setPageSize(4);
      const statuses = ['completed', 'inprogress', 'failed', 'unspecified'];
      for (let i = 0; i < 40; i++) {
        const status = statuses[i % 4]!;
        stack.upstream.store.putOperation('c1', {
          id: `op-${String(i).padStart(2, '0')}`,
          status,
          error: status === 'failed' ? { errorCode: `E${i}`, message: `failure ${i}`, details: [{ source: `src-${i}`, message: `inner ${i}` }] } : null,
        });
      }
      stack.upstream.store.putOperation('c2', { id: 'op-00', status: 'failed' }); // same key, other connection: never in this list
      const stored = stack.upstream.store.listOperations('c1');
      const orderBy = [{ field: 'OPERATION_ID', direction: 'ASC' }];
      const { client, exchanges } = newClient();

      const observable = client.watchQuery({ query: NARROW_PAGE, variables: { connectionId: 'c1', first: 5, orderBy } });
      let subscription: { unsubscribe(): void } | undefined;
      const firstResult = new Promise<ApolloQueryResult<Page>>((resolve, reject) => {
        subscription = observable.subscribe({ next: (result) => (result.loading ? undefined : resolve(result)), error: reject });
      });
      try {
        const first = await firstResult;
        expect(first.errors).toBeUndefined();
        const firstEdges = first.data.connectionOperations.edges;
        expect(firstEdges.map((e) => e.node)).toEqual(
          stored.slice(0, 5).map((op) => ({ __typename: 'ConnectionOperation', id: expect.any(String), operationId: op.id })),
        );
        let endCursor = first.data.connectionOperations.pageInfo.endCursor;
        expect(first.data.connectionOperations.pageInfo.hasNextPage).toBe(true);

        // Later pages: a different `first` each time, and the wider selection, until the list ends.
        const sizes = [10, 3, 20, 1, 5];
        const pages: Array<{ first: number; data: Page }> = [];
        for (let i = 0; pages.at(-1)?.data.connectionOperations.pageInfo.hasNextPage !== false; i++) {
          expect(i).toBeLessThan(sizes.length);
          // With its own `query`, fetchMore does not inherit the original variables: pass them all.
          const result = await observable.fetchMore({ query: WIDE_PAGE, variables: { connectionId: 'c1', orderBy, first: sizes[i]!, after: endCursor } });
          expect(result.errors).toBeUndefined();
          pages.push({ first: sizes[i]!, data: result.data });
          endCursor = result.data.connectionOperations.pageInfo.endCursor;
        }

        // `first` honoured on every page (the last one holds the 1 that is left), values of the wide selection correct.
        let offset = 5;
        for (const [index, page] of pages.entries()) {
          const expected = stored.slice(offset, offset + page.first);
          const { edges, pageInfo } = page.data.connectionOperations;
          expect(edges.map((e) => ({ operationId: e.node.operationId, status: e.node.status, error: stripTypename(e.node.error) }))).toEqual(
            expected.map((op) => expectedOperation(op)),
          );
          expect(edges).toHaveLength(index < 4 ? page.first : 1);
          expect(pageInfo.hasNextPage).toBe(index < 4);
          offset += edges.length;
        }
        expect(offset).toBe(40);

        // The merged list the observable shows: every node exactly once, in order.
        const merged = observable.getCurrentResult().data.connectionOperations;
        const mergedIds = merged.edges.map((e) => e.node.operationId);
        expect(mergedIds).toEqual(stored.map((op) => op.id));
        expect(new Set(merged.edges.map((e) => e.node.id)).size).toBe(40);
        expect(merged.pageInfo.hasNextPage).toBe(false);

        // The normalized cache holds the wide values of every node fetched wide, the narrow ones for page 1.
        for (const [index, edge] of merged.edges.entries()) {
          const cacheId = client.cache.identify({ __typename: 'ConnectionOperation', id: edge.node.id });
          const op = stored[index]!;
          if (index < 5) {
            expect(client.readFragment({ id: cacheId, fragment: NARROW_FIELDS })).toEqual({ __typename: 'ConnectionOperation', id: edge.node.id, operationId: op.id });
            expect(client.readFragment({ id: cacheId, fragment: WIDE_FIELDS })).toBeNull(); // never selected: not invented
          } else {
            const cached = client.readFragment<Operation>({ id: cacheId, fragment: WIDE_FIELDS });
            expect({ operationId: cached?.operationId, status: cached?.status, error: stripTypename(cached?.error) }).toEqual(expectedOperation(op));
          }
        }
        const failed = client.readFragment<Operation>({ id: client.cache.identify({ __typename: 'ConnectionOperation', id: merged.edges[14]!.node.id }), fragment: WIDE_FIELDS });
        expect(failed).toMatchObject({ operationId: 'op-14', status: 'FAILED', error: { errorCode: 'E14', message: 'failure 14', details: [{ source: 'src-14', message: 'inner 14' }] } });

        // What the gateway and the upstream received: one GraphQL request per page; upstream, one first request
        // ($top = 5, every mapped property) and then only the nextLinks it issued, never a $skip.
        expect(exchanges.map((x) => x.body.operationName)).toEqual(['NarrowPage', ...pages.map(() => 'WidePage')]);
        expect(exchanges.map((x) => x.body.variables.first)).toEqual([5, 10, 3, 20, 1, 5]);
        const requests = stack.httpRequests();
        expect(requests.every((r) => r.method === 'GET' && pathBelowRoot(stack, r) === '/connections/c1/operations')).toBe(true);
        expect(requests.every((r) => r.query.$top === '5' && r.query.$orderby === 'id asc' && r.query.$skip === undefined)).toBe(true);
        expect(requests.every((r) => selectOf(r.query).join() === 'error,id,status')).toBe(true);
        const { started, followed } = expectOnlyIssuedLinks(stack.upstream.requests);
        expect(started).toBe(1);
        expect(followed).toBe(requests.length - 1);
        // The upstream did page unevenly and send empty pages, so the test saw what Graph may do.
        expect(requests.some((r) => r.answeredCount === 0 && r.nextLink !== undefined)).toBe(true);
        expect(new Set(requests.map((r) => r.answeredCount)).size).toBeGreaterThan(2);
      } finally {
        subscription?.unsubscribe();
      }
    },
  );

  it('keeps the same operationId of two connections apart in the normalized cache', async () => {
    stack.upstream.store.putOperation('c1', { id: 'shared', status: 'completed' });
    stack.upstream.store.putOperation('c2', { id: 'shared', status: 'failed', error: { errorCode: 'Boom', message: 'c2 failed', details: [] } });
    const BOTH = gql`
      query Both {
        a: connectionOperation(connectionId: "c1", operationId: "shared") {
          id
          operationId
          connectionId
          status
          error {
            errorCode
            message
          }
        }
        b: connectionOperation(connectionId: "c2", operationId: "shared") {
          id
          operationId
          connectionId
          status
          error {
            errorCode
            message
          }
        }
      }
    `;
    const { client, exchanges } = newClient();
    const result = await client.query({ query: BOTH });
    const expectedA = { __typename: 'ConnectionOperation', id: expect.any(String), operationId: 'shared', connectionId: 'c1', status: 'COMPLETED', error: null };
    const expectedB = {
      __typename: 'ConnectionOperation',
      id: expect.any(String),
      operationId: 'shared',
      connectionId: 'c2',
      status: 'FAILED',
      error: { __typename: 'ErrorDetail', errorCode: 'Boom', message: 'c2 failed' },
    };
    expect(result.data).toEqual({ a: expectedA, b: expectedB });
    expect(result.data.a.id).not.toBe(result.data.b.id);

    // Two distinct normalized entries, each with its own status.
    const entries = Object.entries(client.cache.extract()).filter(([, value]) => (value as { __typename?: string }).__typename === 'ConnectionOperation');
    expect(entries.map(([key]) => key).sort()).toEqual([`ConnectionOperation:${result.data.a.id}`, `ConnectionOperation:${result.data.b.id}`].sort());
    expect(Object.fromEntries(entries.map(([, v]) => [(v as { connectionId: string }).connectionId, (v as { status: string }).status]))).toEqual({ c1: 'COMPLETED', c2: 'FAILED' });

    // Another query writing c2's operation (in a list) leaves c1's untouched; both read back right from the cache alone.
    const list = await client.query({ query: WIDE_PAGE, variables: { connectionId: 'c2', first: 5 } });
    expect(list.data.connectionOperations.edges.map((e) => [e.node.id, e.node.status])).toEqual([[result.data.b.id, 'FAILED']]);
    const fromCache = await client.query({ query: BOTH, fetchPolicy: 'cache-only' });
    expect(fromCache.data).toEqual({ a: expectedA, b: expectedB });
    expect(exchanges).toHaveLength(2);
  });

  it('applies a mutation result to the cached object: a later cache-first read shows it without a request', async () => {
    stack.upstream.store.putOperation('c1', { id: 'mut', status: 'inprogress' });
    const { client, exchanges } = newClient();
    const before = await client.query({ query: READ_ONE, variables: { connectionId: 'c1', operationId: 'mut' } });
    expect(before.data.connectionOperation).toMatchObject({ operationId: 'mut', status: 'IN_PROGRESS' });

    const UPDATE = gql`
      mutation Complete($connectionId: ID!, $operationId: ID!) {
        updateConnectionOperation(connectionId: $connectionId, operationId: $operationId, input: { status: COMPLETED }) {
          id
          status
        }
      }
    `;
    const mutation = await client.mutate({ mutation: UPDATE, variables: { connectionId: 'c1', operationId: 'mut' } });
    expect(mutation.data.updateConnectionOperation).toEqual({ __typename: 'ConnectionOperation', id: before.data.connectionOperation.id, status: 'COMPLETED' });
    expect(stack.upstream.store.getOperation('c1', 'mut')?.status).toBe('completed');
    const patch = stack.upstream.requests.find((r) => r.method === 'PATCH');
    expect(patch && pathBelowRoot(stack, patch)).toBe('/connections/c1/operations/mut');
    expect(patch?.body).toMatchObject({ status: 'completed' });

    const gatewayRequests = exchanges.length;
    const upstreamRequests = stack.upstream.requests.length;
    const after = await client.query({ query: READ_ONE, variables: { connectionId: 'c1', operationId: 'mut' }, fetchPolicy: 'cache-first' });
    expect(after.data.connectionOperation).toEqual({ __typename: 'ConnectionOperation', id: before.data.connectionOperation.id, operationId: 'mut', status: 'COMPLETED' });
    expect(exchanges).toHaveLength(gatewayRequests);
    expect(stack.upstream.requests).toHaveLength(upstreamRequests);
  });

  describe('automatic persisted queries (createPersistedQueryLink)', () => {
    function apqClient(useGETForHashedQueries: boolean) {
      const recorder = recordingFetch();
      const link = createPersistedQueryLink({ sha256, useGETForHashedQueries }).concat(new HttpLink({ uri: graphqlUrl, fetch: recorder.fetch }));
      return { client: new ApolloClient({ link, cache: newCache() }), exchanges: recorder.exchanges };
    }

    /** What a request carried: its method, the persisted-query hash, whether the query text came along. */
    function sent(exchange: { method: string; url: URL; body: any }) {
      const params = exchange.method === 'GET' ? exchange.url.searchParams : undefined;
      const extensions = params ? JSON.parse(params.get('extensions') ?? '{}') : (exchange.body?.extensions ?? {});
      const query: unknown = params ? params.get('query') : exchange.body?.query;
      return { method: exchange.method, hash: extensions.persistedQuery?.sha256Hash as string | undefined, query: typeof query === 'string' ? query : undefined };
    }

    it.each([
      { transport: 'POST', useGET: false, operationId: 'apq-post' },
      { transport: 'GET for hashed queries', useGET: true, operationId: 'apq-get' },
    ])('works unchanged over $transport: unknown hash, retry with the query, then hash-only', async ({ useGET, operationId }) => {
      stack.upstream.store.putOperation('c1', { id: operationId, status: 'failed' });
      // Each case its own query text, so the gateway's store has not seen it yet.
      const QUERY = gql`
        query Persisted($connectionId: ID!, $operationId: ID!) {
          connectionOperation(connectionId: $connectionId, operationId: $operationId) {
            id
            operationId
            status
          }
          ${useGET ? 'viaGet: __typename' : 'viaPost: __typename'}
        }
      `;
      const variables = { connectionId: 'c1', operationId };
      const hashedMethod = useGET ? 'GET' : 'POST';

      const first = apqClient(useGET);
      const result = await first.client.query({ query: QUERY, variables });
      expect(result.errors).toBeUndefined();
      expect(result.data.connectionOperation).toMatchObject({ operationId, status: 'FAILED' });
      expect(first.exchanges).toHaveLength(2);
      const [hashOnly, withQuery] = first.exchanges.map(sent);
      expect(hashOnly).toEqual({ method: hashedMethod, hash: expect.stringMatching(/^[0-9a-f]{64}$/), query: undefined });
      expect(first.exchanges[0]!.response.errors).toEqual([expect.objectContaining({ message: 'PersistedQueryNotFound', extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }) })]);
      expect(first.exchanges[0]!.response.data).toBeUndefined();
      expect(withQuery).toEqual({ method: 'POST', hash: hashOnly!.hash, query: expect.any(String) });
      expect(sha256(withQuery!.query!)).toBe(hashOnly!.hash);
      expect(first.exchanges[1]!.status).toBe(200);

      // Another client (a fresh page load): the identical query goes hash-only and is answered.
      const second = apqClient(useGET);
      const again = await second.client.query({ query: QUERY, variables });
      expect(again.data.connectionOperation).toEqual(result.data.connectionOperation);
      expect(second.exchanges.map(sent)).toEqual([{ method: hashedMethod, hash: hashOnly!.hash, query: undefined }]);
      expect(second.exchanges[0]!.status).toBe(200);
      expect(second.exchanges[0]!.response.errors).toBeUndefined();
      // The upstream was read for the two answered requests only, never for the unknown hash.
      expect(stack.httpRequests().filter((r) => r.method === 'GET')).toHaveLength(2);
      expect(graphqlStatus(stack.upstream.store.getOperation('c1', operationId)!.status)).toBe(again.data.connectionOperation.status);
    });
  });
});

/** Apollo adds `__typename` to every object; the store expectations do not carry it. */
function stripTypename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTypename);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '__typename').map(([key, v]) => [key, stripTypename(v)]));
}
