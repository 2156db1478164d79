import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const gid = (connectionId: string, operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId, operationId });

describe('Global Object Identification: node and nodes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    for (const c of ['c1', 'c2']) {
      for (let i = 0; i < 30; i++) stack.upstream.store.putOperation(c, { id: `op-${i}`, status: c === 'c1' ? 'completed' : 'failed' });
    }
  });

  it('reads the object behind a global id with one GET of what the fragment selects', async () => {
    const result = await stack.gql('query($id: ID!) { node(id: $id) { __typename id ... on ConnectionOperation { operationId connectionId status } } }', { id: gid('c2', 'op-3') });
    expect(result.errors).toBeUndefined();
    expect(result.data!.node).toEqual({ __typename: 'ConnectionOperation', id: gid('c2', 'op-3'), operationId: 'op-3', connectionId: 'c2', status: 'FAILED' });
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1);
    expect(pathBelowRoot(stack, requests[0]!)).toBe('/connections/c2/operations/op-3');
    expect(requests[0]!.query).toEqual({ $select: 'id,status' });
  });

  it('is null, without asking the upstream, for a malformed or foreign id; null for an unknown one', async () => {
    const foreign = Buffer.from(JSON.stringify(['ExternalThing', 'c1', 'op-1'])).toString('base64url');
    const oldStyle = 'op-1';
    for (const id of ['', 'garbage!!', foreign, oldStyle, `${gid('c1', 'op-1')}=`]) {
      const result = await stack.gql('query($id: ID!) { node(id: $id) { id } }', { id });
      expect([id, result.errors, result.data]).toEqual([id, undefined, { node: null }]);
    }
    expect(stack.upstream.requests).toHaveLength(0);
    const unknown = await stack.gql('query($id: ID!) { node(id: $id) { id } }', { id: gid('c1', 'missing') });
    expect(unknown.data).toEqual({ node: null });
    expect(unknown.errors).toBeUndefined();
    expect(stack.httpRequests()).toHaveLength(1);
  });

  it('reads many ids in $batch posts of 20, in order, duplicates once, bad ids null', async () => {
    const ids = [
      ...Array.from({ length: 25 }, (_, i) => gid('c1', `op-${i}`)),
      ...Array.from({ length: 20 }, (_, i) => gid('c2', `op-${i}`)),
      gid('c1', 'op-0'),
      'not-an-id',
      gid('c1', 'missing'),
    ];
    const result = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ConnectionOperation { operationId connectionId status } } }', { ids });
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.nodes as Array<{ id: string; connectionId: string; status: string } | null>;
    expect(nodes).toHaveLength(48);
    expect(nodes.slice(0, 45).map((n) => n!.id)).toEqual(ids.slice(0, 45));
    expect(nodes[5]).toEqual({ id: gid('c1', 'op-5'), operationId: 'op-5', connectionId: 'c1', status: 'COMPLETED' });
    expect(nodes[30]).toMatchObject({ connectionId: 'c2', status: 'FAILED' });
    expect(nodes[45]).toEqual(nodes[0]);
    expect(nodes.slice(46)).toEqual([null, null]);
    // 46 distinct keys → ceil(46/20) = 3 $batch posts, and nothing else.
    const posts = stack.httpRequests();
    expect(posts.map((r) => r.method + ' ' + pathBelowRoot(stack, r))).toEqual(Array(3).fill('POST /$batch'));
    expect(stack.batchParts()).toHaveLength(46);
  });

  it('fails only the items whose read failed', async () => {
    stack.upstream.faults.add({ match: { path: /op-7$/ }, fault: { type: 'status', status: 500 } });
    const result = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [gid('c1', 'op-6'), gid('c1', 'op-7'), gid('c1', 'op-8')] });
    expect(result.data!.nodes).toEqual([{ id: gid('c1', 'op-6') }, null, { id: gid('c1', 'op-8') }]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'UPSTREAM_ERROR', upstreamStatus: 500 } });
  });

  it('refuses more than 1000 ids without asking the upstream', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => gid('c1', `x${i}`));
    const result = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ids' });
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it('reads one entity once per request, whatever mix of fields and selections asks for it', async () => {
    const result = await stack.gql(
      `query($id: ID!) {
        byKey: connectionOperation(connectionId: "c1", operationId: "op-1") { status }
        byNode: node(id: $id) { id }
        again: connectionOperation(connectionId: "c1", operationId: "op-1") { etag error { message } }
        other: connectionOperation(connectionId: "c1", operationId: "op-2") { id }
      }`,
      { id: gid('c1', 'op-1') },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.byNode).toEqual({ id: gid('c1', 'op-1') });
    const parts = stack.batchParts();
    expect(stack.httpRequests()).toHaveLength(1);
    expect(parts.map((p) => [pathBelowRoot(stack, p), p.query.$select]).sort()).toEqual([
      ['/connections/c1/operations/op-1', 'id,status,error'],
      ['/connections/c1/operations/op-2', 'id'],
    ]);
  });

  it('shares nothing between requests: the same read in two requests goes upstream twice', async () => {
    const query = '{ connectionOperation(connectionId: "c1", operationId: "op-1") { status } }';
    await stack.gql(query);
    await stack.gql(query);
    expect(stack.httpRequests()).toHaveLength(2);
  });
});
