/**
 * The per-request budget over real loopback HTTP: an operation whose estimate (from the actual variable
 * values) passes MAX_NODES or MAX_UPSTREAM_REQUESTS is refused with 400 BAD_USER_INPUT before any upstream
 * request; one exactly at the limits runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { startStack, type GraphQLResult, type Stack } from '../support/stack.js';

const gid = (operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c1', operationId });

function seed(stack: Stack): void {
  stack.upstream.reset();
  for (let i = 0; i < 30; i++) stack.upstream.store.putOperation('c1', { id: `op-${i}`, status: 'completed' });
}

function expectRefused(stack: Stack, result: GraphQLResult, estimated: { upstreamRequests: number; nodes: number }, max: { upstreamRequests: number; nodes: number }): void {
  expect(result.status).toBe(400);
  expect(result.data).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  expect(result.errors![0]!.message).toMatch(/ask for fewer nodes with `first`, or split the request/);
  expect(result.errors![0]!.extensions).toEqual({
    code: 'BAD_USER_INPUT',
    budget: {
      upstreamRequests: { estimated: estimated.upstreamRequests, max: max.upstreamRequests },
      nodes: { estimated: estimated.nodes, max: max.nodes },
    },
  });
  expect(stack.upstream.requests).toHaveLength(0);
}

const aliases = (count: number) =>
  `query($n: Int) { ${Array.from({ length: count }, (_, i) => `l${i}: connectionOperations(connectionId: "c1", first: $n) { nodes { id } }`).join('\n')} }`;

describe('request budget: 200 list aliases against MAX_NODES 2000 and MAX_UPSTREAM_REQUESTS 200', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { maxUpstreamRequests: 200 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => seed(stack));

  it('refuses `first: $n` with n = 1000 (200,000 nodes) with 400 BAD_USER_INPUT and no upstream request', async () => {
    const result = await stack.gql(aliases(200), { n: 1000 });
    expectRefused(stack, result, { upstreamRequests: 200, nodes: 200_000 }, { upstreamRequests: 200, nodes: 2000 });
    expect(result.errors![0]!.message).toContain('200000 nodes (at most 2000)');
  });

  it('runs the same document with n = 10: exactly at both limits (200 requests, 2000 nodes)', async () => {
    const result = await stack.gql(aliases(200), { n: 10 });
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.data!.l199.nodes).toHaveLength(10);
    expect(stack.httpRequests()).toHaveLength(200);
  });

  it('refuses one node past the limit (n = 11) and one request past it (201 aliases, n = 1)', async () => {
    expectRefused(stack, await stack.gql(aliases(200), { n: 11 }), { upstreamRequests: 200, nodes: 2200 }, { upstreamRequests: 200, nodes: 2000 });
    const tooMany = await stack.gql(aliases(201), { n: 1 });
    expectRefused(stack, tooMany, { upstreamRequests: 201, nodes: 201 }, { upstreamRequests: 200, nodes: 2000 });
    expect(tooMany.errors![0]!.message).toContain('201 upstream requests (at most 200)');
  });

  it('refuses 101 writes (202 requests) before the first is sent', async () => {
    const writes = Array.from({ length: 101 }, (_, i) => `w${i}: createConnectionOperation(connectionId: "c1", input: { operationId: "new-${i}" }) { id }`).join('\n');
    const result = await stack.gql(`mutation { ${writes} }`);
    expectRefused(stack, result, { upstreamRequests: 202, nodes: 101 }, { upstreamRequests: 200, nodes: 2000 });
    expect(stack.upstream.store.getOperation('c1', 'new-0')).toBeUndefined();
  });
});

describe('request budget: DEFAULT_PAGE_SIZE 5, MAX_NODES 10', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { defaultPageSize: 5, maxNodes: 10 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => seed(stack));

  const withoutFirst = (count: number) =>
    `{ ${Array.from({ length: count }, (_, i) => `l${i}: connectionOperations(connectionId: "c1") { nodes { id } }`).join('\n')} }`;

  it('counts a list without `first` as DEFAULT_PAGE_SIZE nodes: two run (10), three are refused (15)', async () => {
    const two = await stack.gql(withoutFirst(2));
    expect(two.errors).toBeUndefined();
    expect(two.data!.l1.nodes).toHaveLength(5);
    expect(stack.httpRequests()).toHaveLength(2);
    stack.upstream.clearRequests();
    expectRefused(stack, await stack.gql(withoutFirst(3)), { upstreamRequests: 3, nodes: 15 }, { upstreamRequests: 100, nodes: 10 });
  });

  it('counts nodes(ids: $ids) by the ids sent: 10 run, 11 are refused', async () => {
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const ids = Array.from({ length: 11 }, (_, i) => gid(`op-${i}`));
    const ten = await stack.gql(query, { ids: ids.slice(0, 10) });
    expect(ten.errors).toBeUndefined();
    expect(ten.data!.nodes).toHaveLength(10);
    expect(stack.httpRequests()).toHaveLength(1);
    stack.upstream.clearRequests();
    expectRefused(stack, await stack.gql(query, { ids }), { upstreamRequests: 1, nodes: 11 }, { upstreamRequests: 100, nodes: 10 });
  });

  it('counts a variable default, and honours @include on a variable', async () => {
    const query = 'query($n: Int = 11, $big: Boolean!) { connectionOperations(connectionId: "c1", first: $n) @include(if: $big) { nodes { id } } }';
    expectRefused(stack, await stack.gql(query, { big: true }), { upstreamRequests: 1, nodes: 11 }, { upstreamRequests: 100, nodes: 10 });
    const skipped = await stack.gql(query, { big: false });
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data).toEqual({});
  });

  it('leaves a variable that does not coerce to execution, which reports it', async () => {
    const result = await stack.gql('query($n: Int) { connectionOperations(connectionId: "c1", first: $n) { nodes { id } } }', { n: 'many' });
    expect(result.errors![0]!.message).toMatch(/\$n/);
    expect(result.errors![0]!.extensions?.budget).toBeUndefined();
    expect(stack.upstream.requests).toHaveLength(0);
  });
});

describe('request budget without $batch (BATCH_MODE=off): one upstream request per keyed read', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { batchMode: 'off' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => seed(stack));

  it('runs 100 reads by key (100 GETs) and refuses 101 (which $batch would send as 6 posts)', async () => {
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const ids = Array.from({ length: 101 }, (_, i) => gid(`op-${i % 30}-${i}`));
    const hundred = await stack.gql(query, { ids: ids.slice(0, 100) });
    expect(hundred.errors).toBeUndefined();
    expect(stack.httpRequests()).toHaveLength(100);
    stack.upstream.clearRequests();
    expectRefused(stack, await stack.gql(query, { ids }), { upstreamRequests: 101, nodes: 101 }, { upstreamRequests: 100, nodes: 2000 });
  });
});
