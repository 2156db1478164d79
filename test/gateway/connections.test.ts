/**
 * External connections over loopback: by key, the list with cursors, operations of many connections read
 * together ($batch parts of their collection URLs), the evolvable state enum, and global ids.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { CursorCodec, scopeKey } from '../../src/operations/cursor.js';
import { expectOnlyIssuedLinks, pathBelowRoot, startStack, type GraphQLResult, type Stack } from '../support/stack.js';

const connectionGid = (connectionId: string) => encodeGlobalId({ type: 'ExternalConnection', connectionId });

/** `k` connections `c00…`, each with three operations. */
function seed(stack: Stack, k: number): void {
  for (let n = 0; n < k; n++) {
    const id = `c${String(n).padStart(2, '0')}`;
    stack.upstream.store.putConnection({ id, name: `Connection ${n}`, description: `d${n}`, state: n % 2 === 0 ? 'ready' : 'draft' });
    for (let o = 0; o < 3; o++) stack.upstream.store.putOperation(id, { id: `${id}-op-${o}`, status: 'completed' });
  }
}

type BatchBody = { requests: Array<{ id: string; method: string; url: string }> };

describe('external connections', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    seed(stack, 45);
  });

  it('reads one connection by key with $select from the selection; 404 is null', async () => {
    const result = await stack.gql('{ externalConnection(connectionId: "c03") { id connectionId state } missing: externalConnection(connectionId: "nope") { id } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ externalConnection: { id: connectionGid('c03'), connectionId: 'c03', state: 'DRAFT' }, missing: null });
    // Two reads by key in one tick: one $batch of two GET parts.
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1);
    expect(pathBelowRoot(stack, requests[0]!)).toBe('/$batch');
    const urls = (requests[0]!.body as BatchBody).requests.map((p) => p.url).sort();
    expect(urls).toEqual(['/connections/c03?$select=id%2Cstate', '/connections/nope?$select=id']);
  });

  it('pages the list with cursors; a forged cursor is BAD_USER_INPUT before any upstream request', async () => {
    const query = 'query($after: String) { externalConnections(first: 20, after: $after) { totalCount nodes { connectionId name } pageInfo { hasNextPage hasPreviousPage endCursor } } }';
    const first = await stack.gql(query);
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.externalConnections;
    expect(page1.totalCount).toBe(45);
    expect(page1.nodes).toHaveLength(20);
    expect(page1.nodes[0]).toEqual({ connectionId: 'c00', name: 'Connection 0' });
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const [request] = stack.httpRequests();
    expect(pathBelowRoot(stack, request!)).toBe('/connections');
    // Every property the schema maps (a later page is a nextLink that repeats this $select), and $top = first.
    expect(request!.query).toEqual({ $select: 'id,name,description,state', $top: '20', $count: 'true' });

    const third = await stack.gql(query, { after: (await stack.gql(query, { after: page1.pageInfo.endCursor })).data!.externalConnections.pageInfo.endCursor });
    expect(third.data!.externalConnections.nodes.map((n: { connectionId: string }) => n.connectionId)).toEqual(['c40', 'c41', 'c42', 'c43', 'c44']);
    expect(third.data!.externalConnections.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    stack.upstream.clearRequests();
    const forged = await stack.gql(query, { after: `${page1.pageInfo.endCursor.slice(0, -2)}AA` });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    // An operations cursor does not verify on the connections list either.
    const ops = await stack.gql('{ connectionOperations(connectionId: "c00", first: 1) { pageInfo { endCursor } } }');
    stack.upstream.clearRequests();
    const foreign = await stack.gql(query, { after: ops.data!.connectionOperations.pageInfo.endCursor });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it.each([
    ['refuses', 'refuse'],
    ['ignores', 'ignore'],
  ] as const)('pages the whole connections list by nextLinks over an upstream that %s $skip and pages unevenly, `first` changing', async (_name, skip) => {
    stack.upstream.setPaging({ skip });
    stack.upstream.setPageSize(6);
    const query = 'query($first: Int, $after: String) { externalConnections(first: $first, after: $after) { totalCount edges { cursor node { connectionId name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }';
    const seen: string[] = [];
    const firsts = [7, 20, 3, 1];
    let after: string | null = null;
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(20);
      const first = firsts[i % firsts.length]!;
      const result: GraphQLResult = await stack.gql(query, { first, after });
      expect(result.errors).toBeUndefined();
      const page = result.data!.externalConnections as { totalCount: number; edges: Array<{ node: { connectionId: string } }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } };
      expect(page.totalCount).toBe(45);
      expect(page.pageInfo.hasPreviousPage).toBe(i > 0);
      seen.push(...page.edges.map((e) => e.node.connectionId));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(first);
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, n) => `c${String(n).padStart(2, '0')}`));
    const { started, followed } = expectOnlyIssuedLinks(stack.upstream.requests);
    expect(started).toBe(1);
    expect(followed).toBeGreaterThan(5);
    expect(stack.upstream.requests.some((r) => r.answeredCount === 0 && r.nextLink !== undefined)).toBe(true);
    // An edge cursor resumes right after its node.
    const page = (await stack.gql(query, { first: 9 })).data!.externalConnections;
    const resumed = await stack.gql(query, { first: 2, after: page.edges[6].cursor });
    expect(resumed.data!.externalConnections.edges.map((e: { node: { connectionId: string } }) => e.node.connectionId)).toEqual(['c07', 'c08']);
  });

  it('refuses a connections cursor sealed under the key whose link is not the connections collection', async () => {
    const keyed = await startStack({ upstream: stack.upstream, config: { cursorSecret: 'connections-cursor-secret-0123456789ab' } });
    try {
      const codec = new CursorCodec('connections-cursor-secret-0123456789ab');
      const scope = scopeKey({ list: 'connections', connectionId: '', filter: undefined, orderBy: undefined });
      const query = 'query($a: String) { externalConnections(first: 2, after: $a) { nodes { connectionId } } }';
      stack.upstream.clearRequests();
      for (const link of [`${stack.serviceRoot}/connections/c00/operations`, 'http://169.254.169.254/latest/meta-data']) {
        const result = await keyed.gql(query, { a: codec.seal(scope, { link, index: 0 }) });
        expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
      }
      expect(stack.upstream.requests).toHaveLength(0);
      // The control case: the collection's own link.
      const own = await keyed.gql(query, { a: codec.seal(scope, { link: `${stack.serviceRoot}/connections?$top=2`, index: 1 }) });
      expect(own.data!.externalConnections.nodes).toEqual([{ connectionId: 'c01' }, { connectionId: 'c02' }]);
    } finally {
      await keyed.close();
    }
  });

  it('counts the connections on their own for a later page whose first request did not ask for $count', async () => {
    const first = await stack.gql('{ externalConnections(first: 5) { pageInfo { endCursor } } }');
    stack.upstream.clearRequests();
    const later = await stack.gql('query($a: String) { externalConnections(first: 5, after: $a) { totalCount nodes { connectionId } } }', { a: first.data!.externalConnections.pageInfo.endCursor });
    expect(later.errors).toBeUndefined();
    expect(later.data!.externalConnections.totalCount).toBe(45);
    expect(later.data!.externalConnections.nodes.map((n: { connectionId: string }) => n.connectionId)).toEqual(['c05', 'c06', 'c07', 'c08', 'c09']);
    expect(stack.httpRequests().filter((r) => r.query.$count !== undefined).map((r) => r.query)).toEqual([{ $select: 'id', $top: '1', $count: 'true' }]);
  });

  it('pages each connection\'s operations on from its batched first page by the nextLinks that page carried', async () => {
    stack.upstream.setPaging({ unevenPages: false, emptyPages: false });
    const first = await stack.gql('{ externalConnections(first: 3) { nodes { connectionId operations(first: 2) { nodes { operationId } pageInfo { hasNextPage endCursor } } } } }');
    expect(first.errors).toBeUndefined();
    // One list read and one $batch with the three first pages.
    expect(stack.httpRequests().map((r) => pathBelowRoot(stack, r))).toEqual(['/connections', '/$batch']);
    for (const node of first.data!.externalConnections.nodes as Array<{ connectionId: string; operations: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>) {
      expect(node.operations.nodes).toHaveLength(2);
      expect(node.operations.pageInfo.hasNextPage).toBe(true);
      const rest = await stack.gql(`query($a: String) { externalConnection(connectionId: "${node.connectionId}") { operations(first: 5, after: $a) { nodes { operationId } pageInfo { hasNextPage } } } }`, { a: node.operations.pageInfo.endCursor });
      expect(rest.errors).toBeUndefined();
      expect(rest.data!.externalConnection.operations).toEqual({ nodes: [{ operationId: `${node.connectionId}-op-2` }], pageInfo: { hasNextPage: false } });
    }
    // The later pages were the nextLinks the $batch parts were answered with, sent as plain GETs.
    expect(expectOnlyIssuedLinks(stack.upstream.requests)).toEqual({ started: 4, followed: 3 });
  });

  it.each([1, 20, 21, 45])('reads the operations of k = %i connections with 1 + ceil(k/20) requests', async (k) => {
    const result = await stack.gql(`{ externalConnections(first: ${k}) { nodes { connectionId operations(first: 2) { nodes { operationId status } pageInfo { hasNextPage } } } } }`);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.externalConnections.nodes as Array<{ connectionId: string; operations: { nodes: Array<{ operationId: string }>; pageInfo: { hasNextPage: boolean } } }>;
    expect(nodes).toHaveLength(k);
    for (const node of nodes) {
      expect(node.operations.nodes.map((o) => o.operationId)).toEqual([`${node.connectionId}-op-0`, `${node.connectionId}-op-1`]);
      expect(node.operations.pageInfo.hasNextPage).toBe(true);
    }
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1 + Math.ceil(k / 20));
    expect(pathBelowRoot(stack, requests[0]!)).toBe('/connections');
    const rest = requests.slice(1);
    if (k === 1) {
      expect(rest[0]!.method).toBe('GET');
      expect(pathBelowRoot(stack, rest[0]!)).toBe('/connections/c00/operations');
      expect(rest[0]!.query).toEqual({ $select: 'id,status,error', $top: '2' });
      return;
    }
    const parts = rest.flatMap((r) => {
      expect(r.method).toBe('POST');
      expect(pathBelowRoot(stack, r)).toBe('/$batch');
      const body = r.body as BatchBody;
      expect(body.requests.length).toBeLessThanOrEqual(20);
      return body.requests;
    });
    expect(parts.map((p) => p.url).sort()).toEqual(nodes.map((n) => `/connections/${n.connectionId}/operations?$select=id%2Cstatus%2Cerror&$top=2`).sort());
    expect(parts.every((p) => p.method === 'GET')).toBe(true);
  });

  it('applies the same checks and cursors to ExternalConnection.operations as to connectionOperations', async () => {
    const first = await stack.gql('{ externalConnection(connectionId: "c01") { operations(first: 1, orderBy: [{ field: OPERATION_ID, direction: DESC }]) { nodes { operationId } pageInfo { endCursor } } } }');
    const page = first.data!.externalConnection.operations;
    expect(page.nodes).toEqual([{ operationId: 'c01-op-2' }]);
    const next = await stack.gql(
      `{ connectionOperations(connectionId: "c01", first: 1, orderBy: [{ field: OPERATION_ID, direction: DESC }], after: ${JSON.stringify(page.pageInfo.endCursor)}) { nodes { operationId } } }`,
    );
    expect(next.data!.connectionOperations.nodes).toEqual([{ operationId: 'c01-op-1' }]);
    stack.upstream.clearRequests();
    const other = await stack.gql(`{ externalConnection(connectionId: "c02") { operations(first: 1, after: ${JSON.stringify(page.pageInfo.endCursor)}) { nodes { operationId } } } }`);
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const bad = await stack.gql('{ externalConnection(connectionId: "c02") { operations(first: 0) { nodes { operationId } } } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Only the connection reads went upstream, no operations page.
    expect(stack.upstream.requests.every((r) => !r.path.includes('/operations'))).toBe(true);
  });

  it('reads an unknown connectionState member as UNKNOWN_FUTURE_VALUE', async () => {
    stack.upstream.store.putConnection({ id: 'c05', state: 'suspended' });
    stack.upstream.store.putConnection({ id: 'c07', state: 'obsolete' });
    const result = await stack.gql('{ a: externalConnection(connectionId: "c05") { state } b: externalConnection(connectionId: "c07") { state } c: externalConnection(connectionId: "c08") { state } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: { state: 'UNKNOWN_FUTURE_VALUE' }, b: { state: 'OBSOLETE' }, c: { state: 'READY' } });
  });

  it('round-trips global ids through node and nodes, apart from operation ids', async () => {
    const opGid = encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c04', operationId: 'c04-op-1' });
    const result = await stack.gql(
      `{ node(id: ${JSON.stringify(connectionGid('c04'))}) { __typename id ... on ExternalConnection { connectionId name } }
         nodes(ids: [${JSON.stringify(connectionGid('c05'))}, ${JSON.stringify(opGid)}, ${JSON.stringify(connectionGid('zz'))}]) { __typename id ... on ConnectionOperation { operationId } ... on ExternalConnection { description } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      node: { __typename: 'ExternalConnection', id: connectionGid('c04'), connectionId: 'c04', name: 'Connection 4' },
      nodes: [{ __typename: 'ExternalConnection', id: connectionGid('c05'), description: 'd5' }, { __typename: 'ConnectionOperation', id: opGid, operationId: 'c04-op-1' }, null],
    });
    expect(connectionGid('c04')).not.toBe(encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c04', operationId: '' }));
  });
});
