import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const statuses = ['unspecified', 'inprogress', 'completed', 'failed'];

describe('connectionOperations', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.setPageSize(100);
    for (let i = 0; i < 25; i++) {
      stack.upstream.store.putOperation('c1', { id: `op-${String(i).padStart(2, '0')}`, status: statuses[i % 4]! });
    }
    stack.upstream.store.putOperation('c1', { id: "it's (quoted)", status: 'failed' });
    stack.upstream.store.putOperation('c2', { id: 'other', status: 'failed' });
  });

  it('sends typed filter and order as escaped $filter and $orderby, and $select from nodes and edges', async () => {
    const result = await stack.gql(`{
      connectionOperations(
        connectionId: "c1"
        filter: { status: { in: [FAILED, COMPLETED] }, or: [{ id: { eq: "it's (quoted)" } }, { id: { in: ["op-02", "op-03"] } }] }
        orderBy: [{ field: STATUS, direction: DESC }, { field: ID }]
      ) {
        nodes { id }
        edges { node { status } }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.connectionOperations.nodes.map((n: { id: string }) => n.id);
    expect(nodes).toEqual(["it's (quoted)", 'op-03', 'op-02']);
    const [request] = stack.httpRequests();
    expect(pathBelowRoot(stack, request!)).toBe('/connections/c1/operations');
    expect(request!.query).toEqual({
      $select: 'id,status',
      $filter: "(status in ('failed','completed')) and ((id eq 'it''s (quoted)') or (id in ('op-02','op-03')))",
      $orderby: 'status desc,id asc',
    });
  });

  it('asks for $count only when totalCount is selected', async () => {
    const withCount = await stack.gql('{ connectionOperations(connectionId: "c1", filter: { status: { eq: FAILED } }) { totalCount nodes { id } } }');
    expect(withCount.data!.connectionOperations.totalCount).toBe(7);
    expect(stack.httpRequests()[0]!.query.$count).toBe('true');
    stack.upstream.clearRequests();
    const without = await stack.gql('{ connectionOperations(connectionId: "c1") { nodes { id } } }');
    expect(without.data!.connectionOperations.nodes).toHaveLength(26);
    expect(stack.httpRequests()[0]!.query.$count).toBeUndefined();
    expect(stack.httpRequests()[0]!.query.$select).toBe('id');
  });

  it('maps first to $top and pages to the end with opaque cursors, following @odata.nextLink', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    const query = `query($after: String) {
      connectionOperations(connectionId: "c1", first: 10, after: $after, orderBy: [{ field: ID }]) {
        nodes { id } pageInfo { hasNextPage endCursor }
      }
    }`;
    do {
      const result: { errors?: unknown; data?: any } = await stack.gql(query, { after });
      expect(result.errors).toBeUndefined();
      const { nodes, pageInfo } = result.data!.connectionOperations as { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
      seen.push(...nodes.map((n) => n.id));
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      if (pageInfo.hasNextPage) expect(after).not.toContain('http');
      pages++;
    } while (after !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(26);
    expect(new Set(seen).size).toBe(26);
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(3);
    expect(requests[0]!.query.$top).toBe('10');
    expect(requests[1]!.query.$skiptoken).toBeDefined();
  });

  it('follows server-driven paging when the upstream page is smaller than first', async () => {
    stack.upstream.setPageSize(4);
    const first = await stack.gql('{ connectionOperations(connectionId: "c1", first: 10) { nodes { id } pageInfo { hasNextPage endCursor } } }');
    const page = first.data!.connectionOperations;
    expect(page.nodes).toHaveLength(4);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await stack.gql('query($a: String) { connectionOperations(connectionId: "c1", first: 10, after: $a) { nodes { id } } }', { a: page.pageInfo.endCursor });
    expect(next.data!.connectionOperations.nodes.map((n: { id: string }) => n.id)).toEqual(['op-04', 'op-05', 'op-06', 'op-07']);
  });

  it('gives every edge a cursor that resumes right after it', async () => {
    const result = await stack.gql('{ connectionOperations(connectionId: "c1", first: 5, orderBy: [{ field: ID }]) { edges { cursor node { id } } } }');
    const edges = result.data!.connectionOperations.edges;
    expect(edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(["it's (quoted)", 'op-00', 'op-01', 'op-02', 'op-03']);
    const resumed = await stack.gql(
      'query($a: String) { connectionOperations(connectionId: "c1", first: 2, orderBy: [{ field: ID }], after: $a) { nodes { id } pageInfo { hasNextPage } } }',
      { a: edges[1].cursor },
    );
    expect(resumed.data!.connectionOperations).toEqual({ nodes: [{ id: 'op-01' }, { id: 'op-02' }], pageInfo: { hasNextPage: true } });
  });

  it('answers an empty `in` without asking the upstream', async () => {
    const result = await stack.gql('{ connectionOperations(connectionId: "c1", filter: { id: { in: [] } }) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }');
    expect(result.data!.connectionOperations).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it.each([0, -1, 1001])('refuses first: %i with BAD_USER_INPUT', async (first) => {
    const result = await stack.gql('query($f: Int) { connectionOperations(connectionId: "c1", first: $f) { nodes { id } } }', { f: first });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it('refuses cursors that do not decode, point elsewhere or belong to another list, without fetching', async () => {
    const first = await stack.gql('{ connectionOperations(connectionId: "c1", first: 2) { pageInfo { endCursor } } }');
    const good = first.data!.connectionOperations.pageInfo.endCursor as string;
    stack.upstream.clearRequests();
    const forged = (link: string) => Buffer.from(JSON.stringify([1, link, 0, JSON.parse(Buffer.from(good, 'base64url').toString())[3]])).toString('base64url');
    const cases: Array<[string, Record<string, unknown>]> = [
      ['garbage', { a: 'not-a-cursor!!' }],
      ['elsewhere', { a: forged('http://169.254.169.254/latest/meta-data/connections/c1/operations') }],
      ['other port', { a: forged(`http://127.0.0.1:1/beta/connections/c1/operations`) }],
      ['other connection', { a: good, c: 'c2' }],
      ['climbing', { a: forged(`${stack.serviceRoot}/connections/c1/operations/../../../$metadata`) }],
      ['other filter', { a: good, f: { status: { eq: 'FAILED' } } }],
    ];
    for (const [, variables] of cases) {
      const result = await stack.gql(
        'query($a: String, $c: ID! = "c1", $f: ConnectionOperationFilter) { connectionOperations(connectionId: $c, after: $a, filter: $f) { nodes { id } } }',
        variables,
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(stack.upstream.requests).toHaveLength(0);
  });
});
