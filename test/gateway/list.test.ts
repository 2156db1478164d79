import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const statuses = ['unspecified', 'inprogress', 'completed', 'failed'];
const opId = (i: number) => `op-${String(i).padStart(2, '0')}`;

/** 25 operations op-00…op-24 in c1 (every 4th failed, with an error), one with quotes, one in c2. */
function seed(stack: Stack): void {
  stack.upstream.reset();
  stack.upstream.setPageSize(100);
  for (let i = 0; i < 25; i++) {
    const status = statuses[i % 4]!;
    stack.upstream.store.putOperation('c1', {
      id: opId(i),
      status,
      error: status === 'failed' ? { errorCode: `E${i}`, message: `failure ${i}`, details: [{ source: 'crawler', message: `detail ${i}` }] } : null,
    });
  }
  stack.upstream.store.putOperation('c1', { id: "it's (quoted)", status: 'failed' });
  stack.upstream.store.putOperation('c2', { id: 'other', status: 'failed' });
}

interface Page {
  nodes: Array<Record<string, unknown>>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const PAGE_QUERY = (fields: string) => `query($c: ID! = "c1", $first: Int, $after: String, $orderBy: [ConnectionOperationOrder!] = [{ field: OPERATION_ID }]) {
  connectionOperations(connectionId: $c, first: $first, after: $after, orderBy: $orderBy) {
    nodes { ${fields} }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function page(stack: Stack, fields: string, variables: Record<string, unknown>): Promise<Page> {
  const result = await stack.gql(PAGE_QUERY(fields), variables);
  expect(result.errors).toBeUndefined();
  return result.data!.connectionOperations as Page;
}

describe('connectionOperations', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => seed(stack));

  it('sends typed filter and order as escaped $filter and $orderby, $select from nodes and edges, $top of the default page + 1', async () => {
    const result = await stack.gql(`{
      connectionOperations(
        connectionId: "c1"
        filter: { status: { in: [FAILED, COMPLETED] }, or: [{ operationId: { eq: "it's (quoted)" } }, { operationId: { in: ["op-02", "op-03"] } }] }
        orderBy: [{ field: STATUS, direction: DESC }, { field: OPERATION_ID }]
      ) {
        nodes { operationId }
        edges { node { status } }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.connectionOperations.nodes.map((n: { operationId: string }) => n.operationId);
    expect(nodes).toEqual(["it's (quoted)", 'op-03', 'op-02']);
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1);
    expect(pathBelowRoot(stack, requests[0]!)).toBe('/connections/c1/operations');
    expect(requests[0]!.query).toEqual({
      $select: 'id,status',
      $filter: "(status in ('failed','completed')) and ((id eq 'it''s (quoted)') or (id in ('op-02','op-03')))",
      $orderby: 'status desc,id asc',
      $top: '101',
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

  it('gives nodes global ids that differ between connections for equal operationIds', async () => {
    stack.upstream.store.putOperation('c2', { id: 'op-00', status: 'completed' });
    const result = await stack.gql(`{
      a: connectionOperations(connectionId: "c1", filter: { operationId: { eq: "op-00" } }) { nodes { id operationId connectionId } }
      b: connectionOperations(connectionId: "c2", filter: { operationId: { eq: "op-00" } }) { nodes { id operationId connectionId } }
    }`);
    expect(result.data!.a.nodes).toEqual([{ id: encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c1', operationId: 'op-00' }), operationId: 'op-00', connectionId: 'c1' }]);
    expect(result.data!.b.nodes).toEqual([{ id: encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'c2', operationId: 'op-00' }), operationId: 'op-00', connectionId: 'c2' }]);
  });

  it('pages to the end with first honoured on every page, as $top = first + 1 and $skip = the offset', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    const shapes: Array<[number, boolean, boolean]> = [];
    for (let pages = 0; pages < 10; pages++) {
      const { nodes, pageInfo } = await page(stack, 'operationId', { first: 10, after });
      seen.push(...nodes.map((n) => n.operationId as string));
      shapes.push([nodes.length, pageInfo.hasNextPage, pageInfo.hasPreviousPage]);
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      if (after === null) break;
    }
    expect(shapes).toEqual([
      [10, true, false],
      [10, true, true],
      [6, false, true],
    ]);
    expect(seen).toEqual(["it's (quoted)", ...Array.from({ length: 25 }, (_, i) => opId(i))]);
    expect(stack.httpRequests().map((r) => [r.query.$top, r.query.$skip])).toEqual([
      ['11', undefined],
      ['11', '10'],
      ['11', '20'],
    ]);
  });

  it('honours a changed first and returns the current selection on every later page', async () => {
    const first = await page(stack, 'id', { first: 2 });
    expect(first.nodes).toHaveLength(2);
    // A wider selection and a larger first on the next page: every value is there, as the store has it.
    const second = await page(stack, 'operationId status error { errorCode message details { source message } }', { first: 10, after: first.pageInfo.endCursor });
    expect(second.nodes.map((n) => n.operationId)).toEqual(Array.from({ length: 10 }, (_, i) => opId(i + 1)));
    const failed = second.nodes.find((n) => n.operationId === 'op-03')!;
    expect(failed).toEqual({ operationId: 'op-03', status: 'FAILED', error: { errorCode: 'E3', message: 'failure 3', details: [{ source: 'crawler', message: 'detail 3' }] } });
    expect(second.nodes.find((n) => n.operationId === 'op-02')).toMatchObject({ status: 'COMPLETED', error: null });
    // And a smaller first again.
    const third = await page(stack, 'operationId', { first: 3, after: second.pageInfo.endCursor });
    expect(third.nodes.map((n) => n.operationId)).toEqual(['op-11', 'op-12', 'op-13']);
    expect(stack.httpRequests().map((r) => [r.query.$select, r.query.$top, r.query.$skip])).toEqual([
      ['id', '3', undefined],
      ['id,status,error', '11', '2'],
      ['id', '4', '12'],
    ]);
  });

  it('gathers server-driven pages until first is reached, then continues exactly there', async () => {
    stack.upstream.setPageSize(4);
    const first = await page(stack, 'operationId', { first: 10 });
    expect(first.nodes.map((n) => n.operationId)).toEqual(["it's (quoted)", ...Array.from({ length: 9 }, (_, i) => opId(i))]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(3);
    expect(requests[1]!.query.$skiptoken).toBeDefined();
    const next = await page(stack, 'operationId', { first: 3, after: first.pageInfo.endCursor });
    expect(next.nodes.map((n) => n.operationId)).toEqual(['op-09', 'op-10', 'op-11']);
  });

  it('bounds the upstream reads of one page at 10, and continues where it stopped', async () => {
    stack.upstream.setPageSize(1);
    const first = await page(stack, 'operationId', { first: 50 });
    expect(stack.httpRequests()).toHaveLength(10);
    expect(first.nodes).toHaveLength(10);
    expect(first.pageInfo.hasNextPage).toBe(true);
    stack.upstream.setPageSize(100);
    const next = await page(stack, 'operationId', { first: 2, after: first.pageInfo.endCursor });
    expect(next.nodes.map((n) => n.operationId)).toEqual(['op-09', 'op-10']);
  });

  it('gives every edge a cursor that resumes right after it, and start and end cursors of the page', async () => {
    const result = await stack.gql(`{
      connectionOperations(connectionId: "c1", first: 5, orderBy: [{ field: OPERATION_ID }]) {
        edges { cursor node { operationId } }
        pageInfo { startCursor endCursor }
      }
    }`);
    const { edges, pageInfo } = result.data!.connectionOperations;
    expect(edges.map((e: { node: { operationId: string } }) => e.node.operationId)).toEqual(["it's (quoted)", 'op-00', 'op-01', 'op-02', 'op-03']);
    expect(pageInfo.startCursor).toBe(edges[0].cursor);
    expect(pageInfo.endCursor).toBe(edges[4].cursor);
    expect(new Set(edges.map((e: { cursor: string }) => e.cursor)).size).toBe(5);
    const resumed = await page(stack, 'operationId', { first: 2, after: edges[1].cursor });
    expect(resumed.nodes).toEqual([{ operationId: 'op-01' }, { operationId: 'op-02' }]);
    expect(resumed.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('knows the last page under standard OData $top too (no next link past $top)', async () => {
    const standard = await startStack({ service: { quirks: { topEndsCollection: true } } });
    try {
      seed(standard);
      standard.upstream.setPageSize(4);
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const { nodes, pageInfo } = await page(standard, 'operationId', { first: 10, after });
        seen.push(...nodes.map((n) => n.operationId as string));
        after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
        if (after === null) break;
      }
      expect(seen).toHaveLength(26);
      expect(new Set(seen).size).toBe(26);
    } finally {
      await standard.close();
    }
  });

  it('uses DEFAULT_PAGE_SIZE when first is absent', async () => {
    const small = await startStack({ config: { defaultPageSize: 3 } });
    try {
      seed(small);
      const first = await page(small, 'operationId', {});
      expect(first.nodes.map((n) => n.operationId)).toEqual(["it's (quoted)", 'op-00', 'op-01']);
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(small.httpRequests()[0]!.query.$top).toBe('4');
    } finally {
      await small.close();
    }
  });

  it('answers an empty `in` without asking the upstream', async () => {
    const result = await stack.gql('{ connectionOperations(connectionId: "c1", filter: { operationId: { in: [] } }) { totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }');
    expect(result.data!.connectionOperations).toEqual({
      totalCount: 0,
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it.each([0, -1, 1001])('refuses first: %i with BAD_USER_INPUT', async (first) => {
    const result = await stack.gql('query($f: Int) { connectionOperations(connectionId: "c1", first: $f) { nodes { id } } }', { f: first });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it('fails a list of an unknown connection with NOT_FOUND (the field is non-null)', async () => {
    const result = await stack.gql('{ connectionOperations(connectionId: "nope") { nodes { id } } }');
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
  });
});

describe('cursors', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { cursorSecret: 'test-cursor-secret-0123456789abcdef' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => seed(stack));

  const ask = (variables: Record<string, unknown>) =>
    stack.gql(
      `query($a: String, $c: ID! = "c1", $f: ConnectionOperationFilter, $o: [ConnectionOperationOrder!]) {
        connectionOperations(connectionId: $c, after: $a, filter: $f, orderBy: $o, first: 2) { nodes { id } pageInfo { endCursor } }
      }`,
      variables,
    );

  it('never contain or reveal the upstream URL, nor does any response', async () => {
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connectionOperations(connectionId: "c1", first: 3) { edges { cursor } pageInfo { startCursor endCursor } } }' }),
    });
    const text = await response.text();
    const { host, pathname } = new URL(stack.serviceRoot);
    expect(text).not.toContain(host);
    expect(text).not.toContain(pathname);
    const body = JSON.parse(text);
    for (const cursor of [...body.data.connectionOperations.edges.map((e: { cursor: string }) => e.cursor), body.data.connectionOperations.pageInfo.endCursor]) {
      const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(decoded).not.toMatch(/http|127\.0\.0\.1|connections|operations/);
    }
  });

  it('refuses forged, altered, truncated, replayed and foreign cursors without any upstream request', async () => {
    const good = (await ask({ f: { status: { ne: 'UNSPECIFIED' } } })).data!.connectionOperations.pageInfo.endCursor as string;
    const plain = (await ask({})).data!.connectionOperations.pageInfo.endCursor as string;
    const other = await startStack({ config: { cursorSecret: 'another-cursor-secret-0123456789abcdef' } });
    seed(other);
    const foreign = (await other.gql('{ connectionOperations(connectionId: "c1", first: 2) { pageInfo { endCursor } } }')).data!.connectionOperations.pageInfo.endCursor as string;
    await other.close();
    const bytes = Buffer.from(plain, 'base64url');
    const forgedOffset = Buffer.from(bytes);
    forgedOffset.writeUInt32BE(100_000, 1);
    const flipped = Buffer.from(bytes);
    flipped[bytes.length - 1] = flipped[bytes.length - 1]! ^ 0xff;
    // The v1 format: base64 of a JSON array with the upstream URL.
    const oldStyle = Buffer.from(JSON.stringify([1, `${stack.serviceRoot}/connections/c1/operations?$top=100000&$expand=*`, 0, 'x'])).toString('base64url');
    stack.upstream.clearRequests();
    const cases: Array<[string, Record<string, unknown>]> = [
      ['garbage', { a: 'not-a-cursor!!' }],
      ['empty', { a: '' }],
      ['old format with a URL', { a: oldStyle }],
      ['forged offset', { a: forgedOffset.toString('base64url') }],
      ['altered MAC', { a: flipped.toString('base64url') }],
      ['truncated', { a: plain.slice(0, -4) }],
      ['extended', { a: `${plain}AAAA` }],
      ['other connection', { a: plain, c: 'c2' }],
      ['other filter', { a: plain, f: { status: { eq: 'FAILED' } } }],
      ['filter dropped', { a: good }],
      ['other order', { a: plain, o: [{ field: 'STATUS' }] }],
      ['other gateway secret', { a: foreign }],
    ];
    for (const [name, variables] of cases) {
      const result = await ask(variables);
      expect([name, result.errors?.[0]?.extensions]).toEqual([name, { code: 'BAD_USER_INPUT', argument: 'after' }]);
    }
    expect(stack.upstream.requests).toHaveLength(0);
    // The untouched cursor with its own arguments still works.
    expect((await ask({ a: good, f: { status: { ne: 'UNSPECIFIED' } } })).errors).toBeUndefined();
  });

  it('verify on another replica with the same CURSOR_SECRET', async () => {
    const replica = await startStack({ config: { cursorSecret: 'test-cursor-secret-0123456789abcdef' } });
    try {
      seed(replica);
      const cursor = (await ask({})).data!.connectionOperations.pageInfo.endCursor as string;
      const result = await replica.gql('query($a: String) { connectionOperations(connectionId: "c1", first: 2, after: $a, orderBy: []) { nodes { operationId } } }', { a: cursor });
      expect(result.errors).toBeUndefined();
      expect(result.data!.connectionOperations.nodes).toEqual([{ operationId: 'op-02' }, { operationId: 'op-03' }]);
    } finally {
      await replica.close();
    }
  });
});
