/**
 * Relay: relay-compiler (the real binary) compiles the documents in relay/Operations.ts against the repo's
 * schema.graphql, and relay-runtime (no React) fetches, refetches by `node(id:)` and pages the @connection
 * through the running gateway over loopback HTTP.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createOperationDescriptor,
  Environment,
  fetchQuery,
  getRequest,
  getSelector,
  Network,
  RecordSource,
  Store,
  type GraphQLResponse,
  type OperationType,
  type ReaderFragment,
  type SingularReaderSelector,
} from 'relay-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectOnlyIssuedLinks, pathBelowRoot, startStack, type Stack } from '../support/stack.js';
import OperationRefetchQuery from './relay/__generated__/OperationRefetchQuery.graphql.js';
import OperationsNarrowQuery, { type OperationsNarrowQuery$data } from './relay/__generated__/OperationsNarrowQuery.graphql.js';
import OperationsPaginationQuery from './relay/__generated__/OperationsPaginationQuery.graphql.js';
import OperationsQuery from './relay/__generated__/OperationsQuery.graphql.js';
import OperationsList, { type Operations_list$data } from './relay/__generated__/Operations_list.graphql.js';
import OperationsOperation, { type Operations_operation$data } from './relay/__generated__/Operations_operation.graphql.js';
import { checkedInArtifacts, compileRelay, type RelayCompileResult } from './relay/compile.js';
import { expectedOperation, recordingFetch, selectOf } from './support.js';

async function filesOf(directory: string): Promise<Map<string, string>> {
  const names = (await readdir(directory)).sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(directory, name), 'utf8')] as const)));
}

describe('relay-compiler', () => {
  let outDir: string;
  let result: RelayCompileResult;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'relay-artifacts-'));
    result = await compileRelay(outDir);
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('compiles the @connection query and the @refetchable fragments against schema.graphql', async () => {
    expect(result.output).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const generated = await filesOf(outDir);
    expect([...generated.keys()]).toEqual([
      'OperationRefetchQuery.graphql.ts',
      'OperationsNarrowQuery.graphql.ts',
      'OperationsPaginationQuery.graphql.ts',
      'OperationsQuery.graphql.ts',
      'Operations_list.graphql.ts',
      'Operations_operation.graphql.ts',
    ]);
    // The @refetchable fragment on a Node type is refetched through Query.node.
    expect(OperationRefetchQuery.params.text).toMatch(/node\(id: \$id\)/);
  });

  it('the checked-in artifacts are what relay-compiler generates now (else run `npm run relay`)', async () => {
    expect(result.code).toBe(0);
    const generated = await filesOf(outDir);
    const checkedIn = await filesOf(checkedInArtifacts);
    expect([...checkedIn.keys()]).toEqual([...generated.keys()]);
    for (const [name, text] of generated) expect(checkedIn.get(name), `${name} is stale: run npm run relay`).toBe(text);
  });
});

describe('relay-runtime', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  /** rl-00 … rl-39: every 7th failed with an error. */
  const IDS = Array.from({ length: 40 }, (_, i) => `rl-${String(i).padStart(2, '0')}`);
  beforeEach(() => {
    stack.upstream.reset();
    for (const [i, id] of IDS.entries()) {
      stack.upstream.store.putOperation('c1', {
        id,
        status: i % 7 === 2 ? 'failed' : 'inprogress',
        error: i % 7 === 2 ? { errorCode: `E${i}`, message: `${i} failed`, details: [] } : null,
      });
    }
    stack.upstream.store.putOperation('c2', { id: 'rl-01', status: 'completed' }); // same key elsewhere: never read here
  });

  function relayEnvironment() {
    const recorder = recordingFetch();
    const network = Network.create(async (params, variables) => {
      const response = await recorder.fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query: params.text, variables, operationName: params.name }),
      });
      return (await response.json()) as GraphQLResponse;
    });
    const environment = new Environment({ network, store: new Store(new RecordSource()) });
    return { environment, exchanges: recorder.exchanges };
  }

  function read<T>(environment: Environment, fragment: ReaderFragment, ref: unknown): T {
    return environment.lookup(getSelector(fragment, ref) as SingularReaderSelector).data as T;
  }

  type Operation = Omit<Operations_operation$data, ' $fragmentType'>;
  /** What the fragment selects, comparable with the store. */
  const view = (op: Operation) => ({ operationId: op.operationId, status: op.status, error: op.error ? { errorCode: op.error.errorCode, message: op.error.message } : null });
  const fromStore = (id: string) => {
    const { operationId, status, error } = expectedOperation(stack.upstream.store.getOperation('c1', id)!) as { operationId: string; status: string; error: { errorCode: string; message: string } | null };
    return { operationId, status, error: error ? { errorCode: error.errorCode, message: error.message } : null };
  };

  it.each([
    ['refuses', 'refuse'],
    ['ignores', 'ignore'],
  ] as const)('fetches the query, pages the @connection with loadNext (count 5, 10, 3, 20, 1) over an upstream that %s $skip and pages unevenly, and refetches a fragment by node(id:)', async (_name, skip) => {
    // Graph's paging: uneven pages of at most 4, an empty page with a nextLink every 4th page, $skip refused or ignored.
    stack.upstream.setPaging({ skip, unevenPages: true, emptyPages: true });
    stack.upstream.setPageSize(4);
    const { environment, exchanges } = relayEnvironment();
    const variables = { connectionId: 'c1', count: 5 };
    const operation = createOperationDescriptor(getRequest(OperationsQuery), variables);
    const retained = environment.retain(operation);
    try {
      await fetchQuery<OperationType>(environment, OperationsQuery, variables).toPromise();
      const root = environment.lookup(operation.fragment).data;
      const list = () => read<Operations_list$data>(environment, OperationsList, root).connectionOperations;
      const operations = () => list().edges.map((edge) => read<Operation>(environment, OperationsOperation, edge.node));

      // First page: `first` = count, values as stored.
      expect(operations().map(view)).toEqual(IDS.slice(0, 5).map(fromStore));
      expect(list().pageInfo.hasNextPage).toBe(true);
      expect(exchanges[0]!.body).toEqual({ query: OperationsQuery.params.text, variables, operationName: 'OperationsQuery' });

      // loadNext, the way usePaginationFragment does it: the generated pagination query with count and cursor.
      let loaded = 5;
      const counts = [10, 3, 20, 1, 5];
      for (const count of counts) {
        const cursor = list().pageInfo.endCursor;
        expect(cursor).toEqual(expect.any(String));
        await fetchQuery<OperationType>(environment, OperationsPaginationQuery, { connectionId: 'c1', count, cursor }).toPromise();
        // `first` honoured: the gateway answered count nodes (or what was left).
        const answered = exchanges.at(-1)!.response.data.connectionOperations.edges as unknown[];
        expect(answered).toHaveLength(Math.min(count, IDS.length - loaded));
        loaded += answered.length;
        expect(list().edges).toHaveLength(loaded);
      }
      // The connection, read through the original query's fragment reference: every node once, in order.
      expect(operations().map((op) => op.operationId)).toEqual(IDS);
      expect(new Set(operations().map((op) => op.id)).size).toBe(IDS.length);
      expect(operations().map(view)).toEqual(IDS.map(fromStore));
      expect(list().pageInfo.hasNextPage).toBe(false);
      expect(exchanges.map((x) => [x.body.operationName, x.body.variables.count])).toEqual([['OperationsQuery', 5], ...counts.map((count) => ['OperationsPaginationQuery', count])]);
      // Upstream: one first request ($top = 5), then only the nextLinks it issued, never a $skip.
      const lists = stack.httpRequests();
      expect(lists.every((r) => `${r.method} ${pathBelowRoot(stack, r)}` === 'GET /connections/c1/operations' && r.query.$top === '5')).toBe(true);
      const { started, followed } = expectOnlyIssuedLinks(stack.upstream.requests);
      expect([started, followed]).toEqual([1, lists.length - 1]);
      expect(lists.some((r) => r.answeredCount === 0 && r.nextLink !== undefined)).toBe(true);

      // Refetch one operation's fragment after the upstream changed it: node(id:) with the global id.
      const target = operations()[1]!;
      expect(target.operationId).toBe('rl-01');
      stack.upstream.store.putOperation('c1', { id: 'rl-01', status: 'failed', error: { errorCode: 'Late', message: 'failed later' } });
      stack.upstream.clearRequests();
      const refetched = await fetchQuery<OperationType>(environment, OperationRefetchQuery, { id: target.id }).toPromise();
      const refetch = exchanges.at(-1)!;
      expect(refetch.body.operationName).toBe('OperationRefetchQuery');
      expect(refetch.body.query).toMatch(/node\(id: \$id\)/);
      expect(refetch.body.variables).toEqual({ id: target.id });
      expect(refetch.response.errors).toBeUndefined();
      const node = read<Operation>(environment, OperationsOperation, (refetched as { node: unknown }).node);
      expect(view(node)).toEqual({ operationId: 'rl-01', status: 'FAILED', error: { errorCode: 'Late', message: 'failed later' } });
      // The gateway read exactly that operation of that connection from the upstream.
      const reads = [...stack.httpRequests(), ...stack.batchParts()].filter((r) => r.method === 'GET');
      expect(reads.map((r) => (r.batchPart ? new URL(r.url, stack.serviceRoot).pathname : r.path))).toContain(
        `${new URL(stack.serviceRoot).pathname}/connections/c1/operations/rl-01`,
      );
      // Same record in Relay's store: the list shows the current data too, its other nodes untouched.
      expect(operations().map(view)).toEqual(IDS.map(fromStore));
      expect(operations()[1]!.status).toBe('FAILED');
    } finally {
      retained.dispose();
    }
  });
  it.each([
    ['refuses', 'refuse'],
    ['ignores', 'ignore'],
  ] as const)('pages on from a narrower first page of the same @connection with loadNext (count 10, 3, 20, 1, 5), widening the selection, over an upstream that %s $skip', async (_name, skip) => {
    stack.upstream.setPaging({ skip, unevenPages: true, emptyPages: true });
    stack.upstream.setPageSize(4);
    const { environment, exchanges } = relayEnvironment();
    const narrowVariables = { connectionId: 'c1', count: 5 };
    const narrow = createOperationDescriptor(getRequest(OperationsNarrowQuery), narrowVariables);
    // The wide list read through Operations_list, which shares the connection record (same key and filters).
    const wide = createOperationDescriptor(getRequest(OperationsQuery), narrowVariables);
    const retained = [environment.retain(narrow), environment.retain(wide)];
    try {
      await fetchQuery<OperationType>(environment, OperationsNarrowQuery, narrowVariables).toPromise();
      const narrowList = () => (environment.lookup(narrow.fragment).data as OperationsNarrowQuery$data).connectionOperations;
      expect(narrowList().edges?.map((edge) => edge?.node?.operationId)).toEqual(IDS.slice(0, 5));
      expect(narrowList().pageInfo.hasNextPage).toBe(true);

      // loadNext with the wide fragment's generated pagination query: `first` and the selection change.
      let loaded = 5;
      const counts = [10, 3, 20, 1, 5];
      for (const count of counts) {
        const cursor = narrowList().pageInfo.endCursor;
        expect(cursor).toEqual(expect.any(String));
        await fetchQuery<OperationType>(environment, OperationsPaginationQuery, { connectionId: 'c1', count, cursor }).toPromise();
        const answered = exchanges.at(-1)!.response.data.connectionOperations.edges as unknown[];
        expect(answered).toHaveLength(Math.min(count, IDS.length - loaded));
        loaded += answered.length;
      }
      expect(narrowList().pageInfo.hasNextPage).toBe(false);
      // Every node once, in order, in the one connection record.
      expect(narrowList().edges?.map((edge) => edge?.node?.operationId)).toEqual(IDS);
      const root = environment.lookup(wide.fragment).data;
      const nodes = read<Operations_list$data>(environment, OperationsList, root).connectionOperations.edges.map((edge) => read<Operation>(environment, OperationsOperation, edge.node));
      expect(new Set(nodes.map((op) => op.id)).size).toBe(IDS.length);
      // The wide values of every node a wide page brought, as stored; the narrow page's nodes have none (never selected, not invented).
      expect(nodes.slice(5).map(view)).toEqual(IDS.slice(5).map(fromStore));
      expect(nodes.slice(0, 5).map((op) => [op.operationId, op.status])).toEqual(IDS.slice(0, 5).map((id) => [id, undefined]));
      expect(exchanges.map((x) => [x.body.operationName, x.body.variables.count])).toEqual([['OperationsNarrowQuery', 5], ...counts.map((count) => ['OperationsPaginationQuery', count])]);

      // Upstream: one first request ($top = 5, every mapped property selected), then only the nextLinks it issued, never a $skip.
      const lists = stack.httpRequests();
      expect(lists.every((r) => `${r.method} ${pathBelowRoot(stack, r)}` === 'GET /connections/c1/operations' && r.query.$top === '5')).toBe(true);
      expect(lists.every((r) => selectOf(r.query).join() === 'error,id,status')).toBe(true);
      const { started, followed } = expectOnlyIssuedLinks(stack.upstream.requests);
      expect([started, followed]).toEqual([1, lists.length - 1]);
      expect(lists.some((r) => r.answeredCount === 0 && r.nextLink !== undefined)).toBe(true);
    } finally {
      for (const disposable of retained) disposable.dispose();
    }
  });
});
