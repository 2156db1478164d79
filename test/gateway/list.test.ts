import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { CursorCodec, scopeKey } from '../../src/operations/cursor.js';
import { expectOnlyIssuedLinks, pathBelowRoot, startStack, type Stack } from '../support/stack.js';

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

const PAGE_QUERY = (fields: string) => `query($c: ID! = "c1", $first: Int, $after: String, $f: ConnectionOperationFilter, $orderBy: [ConnectionOperationOrder!] = [{ field: OPERATION_ID }]) {
  connectionOperations(connectionId: $c, first: $first, after: $after, filter: $f, orderBy: $orderBy) {
    nodes { ${fields} }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function page(stack: Stack, fields: string, variables: Record<string, unknown>): Promise<Page> {
  const result = await stack.gql(PAGE_QUERY(fields), variables);
  expect(result.errors).toBeUndefined();
  return result.data!.connectionOperations as Page;
}

/** Pages the whole list of c1 with `firsts` (cycled), each page asking `fields(i)`; every page's nodes, in order. */
async function pageThrough(stack: Stack, firsts: number[], fields: (page: number) => string = () => 'operationId', extra: Record<string, unknown> = {}) {
  const pages: Page[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const current = await page(stack, fields(i), { first: firsts[i % firsts.length], after, ...extra });
    pages.push(current);
    expect(current.nodes.length).toBeLessThanOrEqual(firsts[i % firsts.length]!);
    expect(current.pageInfo.hasPreviousPage).toBe(i > 0);
    if (!current.pageInfo.hasNextPage) return pages;
    after = current.pageInfo.endCursor;
  }
  throw new Error('the list did not end');
}

const ALL_IDS = ["it's (quoted)", ...Array.from({ length: 25 }, (_, i) => opId(i))];

describe('connectionOperations', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => seed(stack));

  it('sends typed filter and order as escaped $filter and $orderby, every mapped property in $select, $top of the default page', async () => {
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
      $select: 'id,status,error',
      $filter: "(status in ('failed','completed')) and ((id eq 'it''s (quoted)') or (id in ('op-02','op-03')))",
      $orderby: 'status desc,id asc',
      $top: '100',
    });
  });

  it('asks for $count only when totalCount is selected, and on a later page follows the link or counts on its own', async () => {
    const withCount = await stack.gql('{ connectionOperations(connectionId: "c1", first: 2, filter: { status: { eq: FAILED } }) { totalCount nodes { id } pageInfo { endCursor } } }');
    expect(withCount.data!.connectionOperations.totalCount).toBe(7);
    expect(stack.httpRequests()[0]!.query.$count).toBe('true');
    const cursor = withCount.data!.connectionOperations.pageInfo.endCursor as string;
    stack.upstream.clearRequests();
    // The nextLink repeats $count=true: the next page's count comes with it.
    const next = await stack.gql('query($a: String) { connectionOperations(connectionId: "c1", first: 2, after: $a, filter: { status: { eq: FAILED } }) { totalCount nodes { id } } }', { a: cursor });
    expect(next.data!.connectionOperations.totalCount).toBe(7);
    // (One or more nextLinks, as the upstream pages unevenly; no count read of its own.)
    expect(stack.httpRequests().every((r) => r.query.$count === 'true' && r.query.$skiptoken !== undefined)).toBe(true);

    stack.upstream.clearRequests();
    const without = await stack.gql('{ connectionOperations(connectionId: "c1", first: 3) { nodes { id } pageInfo { endCursor } } }');
    expect(without.data!.connectionOperations.nodes).toHaveLength(3);
    expect(stack.httpRequests()[0]!.query.$count).toBeUndefined();
    // A later page that selects totalCount when the first did not: its link has no $count, so one count read beside it.
    stack.upstream.clearRequests();
    const counted = await stack.gql('query($a: String) { connectionOperations(connectionId: "c1", first: 3, after: $a) { totalCount nodes { operationId } } }', {
      a: without.data!.connectionOperations.pageInfo.endCursor,
    });
    expect(counted.errors).toBeUndefined();
    expect(counted.data!.connectionOperations.totalCount).toBe(26);
    const counts = stack.httpRequests().filter((r) => r.query.$count !== undefined);
    expect(counts.map((r) => r.query)).toEqual([{ $select: 'id', $top: '1', $count: 'true' }]);
    expect(stack.httpRequests().length).toBeGreaterThan(1);
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

  it('pages to the end with first honoured on every page, by the upstream\'s own nextLinks: exact pages', async () => {
    stack.upstream.setPaging({ unevenPages: false, emptyPages: false });
    const pages = await pageThrough(stack, [10]);
    expect(pages.map((p) => [p.nodes.length, p.pageInfo.hasNextPage, p.pageInfo.hasPreviousPage])).toEqual([
      [10, true, false],
      [10, true, true],
      [6, false, true],
    ]);
    expect(pages.flatMap((p) => p.nodes.map((n) => n.operationId))).toEqual(ALL_IDS);
    // The first request asks $top = first; each later page is the nextLink of the page before, as issued.
    expect(stack.httpRequests().map((r) => [r.query.$top, r.query.$skip, r.query.$skiptoken === undefined])).toEqual([
      ['10', undefined, true],
      ['10', undefined, false],
      ['10', undefined, false],
    ]);
    expect(expectOnlyIssuedLinks(stack.upstream.requests)).toEqual({ started: 1, followed: 2 });
  });

  it.each([
    ['$skip refused', 'refuse'],
    ['$skip ignored', 'ignore'],
  ] as const)('pages a whole list over uneven and empty upstream pages (%s), first changing, every node once, in order', async (_name, skip) => {
    stack.upstream.setPaging({ skip });
    stack.upstream.setPageSize(4);
    const pages = await pageThrough(stack, [5, 10, 3, 20, 1]);
    expect(pages.flatMap((p) => p.nodes.map((n) => n.operationId))).toEqual(ALL_IDS);
    // Every page but the last is full: first is honoured by following nextLinks.
    const sizes = pages.map((p) => p.nodes.length);
    expect(sizes.slice(0, -1)).toEqual([5, 10, 3, 20, 1, 5, 10, 3, 20, 1].slice(0, sizes.length - 1));
    const { started, followed } = expectOnlyIssuedLinks(stack.upstream.requests);
    expect(started).toBe(1);
    expect(followed).toBeGreaterThan(5);
    // The service did page unevenly and send empty pages (else this test proves nothing about them).
    expect(new Set(stack.upstream.requests.filter((r) => r.nextLink !== undefined).map((r) => r.answeredCount)).size).toBeGreaterThan(1);
    expect(stack.upstream.requests.some((r) => r.answeredCount === 0 && r.nextLink !== undefined)).toBe(true);
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
    // Every read selects every mapped property: the nextLinks repeat it, so page 2's wider selection has its values.
    expect(stack.httpRequests().every((r) => r.query.$select === 'id,status,error')).toBe(true);
    expectOnlyIssuedLinks(stack.upstream.requests);
  });

  it('uses an upstream page larger than asked (it ignores $top): the cursor sits inside it, and the page is read again from its own link', async () => {
    stack.upstream.setPaging({ ignoreTop: true, unevenPages: false, emptyPages: false });
    stack.upstream.setPageSize(20);
    const first = await page(stack, 'operationId', { first: 3 });
    expect(first.nodes.map((n) => n.operationId)).toEqual(ALL_IDS.slice(0, 3));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(stack, 'operationId', { first: 3, after: first.pageInfo.endCursor });
    expect(second.nodes.map((n) => n.operationId)).toEqual(ALL_IDS.slice(3, 6));
    // Past the end of that page, on into its nextLink.
    const third = await page(stack, 'operationId', { first: 18, after: second.pageInfo.endCursor });
    expect(third.nodes.map((n) => n.operationId)).toEqual(ALL_IDS.slice(6, 24));
    const requests = stack.httpRequests();
    expect(requests.map((r) => r.url)).toEqual([requests[0]!.url, requests[0]!.url, requests[0]!.url, requests[3]!.url]);
    expect(requests[3]!.query.$skiptoken).toBeDefined();
    expectOnlyIssuedLinks(stack.upstream.requests);
  });

  it('bounds the upstream reads of one page at 10, and continues where it stopped', async () => {
    stack.upstream.setPaging({ unevenPages: false, emptyPages: false });
    stack.upstream.setPageSize(1);
    const first = await page(stack, 'operationId', { first: 50 });
    expect(stack.httpRequests()).toHaveLength(10);
    expect(first.nodes).toHaveLength(10);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await page(stack, 'operationId', { first: 2, after: first.pageInfo.endCursor });
    expect(next.nodes.map((n) => n.operationId)).toEqual(['op-09', 'op-10']);
  });

  it('gives every edge a cursor that resumes right after it, across upstream pages, and start and end cursors of the page', async () => {
    stack.upstream.setPageSize(3);
    const result = await stack.gql(`{
      connectionOperations(connectionId: "c1", first: 9, orderBy: [{ field: OPERATION_ID }]) {
        edges { cursor node { operationId } }
        pageInfo { startCursor endCursor }
      }
    }`);
    const { edges, pageInfo } = result.data!.connectionOperations;
    expect(edges.map((e: { node: { operationId: string } }) => e.node.operationId)).toEqual(ALL_IDS.slice(0, 9));
    expect(pageInfo.startCursor).toBe(edges[0].cursor);
    expect(pageInfo.endCursor).toBe(edges[8].cursor);
    expect(new Set(edges.map((e: { cursor: string }) => e.cursor)).size).toBe(9);
    for (let i = 0; i < 9; i++) {
      const resumed = await page(stack, 'operationId', { first: 2, after: edges[i].cursor });
      expect(resumed.nodes.map((n) => n.operationId)).toEqual(ALL_IDS.slice(i + 1, i + 3));
      expect(resumed.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    }
    expectOnlyIssuedLinks(stack.upstream.requests);
  });

  it('pages filtered and ordered lists over empty pages, every matching node once in order', async () => {
    stack.upstream.setPageSize(2);
    const filter = { or: [{ status: { in: ['FAILED', 'COMPLETED'] } }, { operationId: { eq: "it's (quoted)" } }] };
    const orderBy = [{ field: 'STATUS', direction: 'DESC' }, { field: 'OPERATION_ID', direction: 'DESC' }];
    const pages = await pageThrough(stack, [3, 1, 4], () => 'operationId status', { orderBy, f: filter });
    const seen = pages.flatMap((p) => p.nodes);
    const rank = { FAILED: 3, COMPLETED: 2 } as Record<string, number>;
    const expected = [...seen].sort((a, b) => rank[b.status as string]! - rank[a.status as string]! || (a.operationId! < b.operationId! ? 1 : -1));
    expect(seen).toEqual(expected);
    expect(seen).toHaveLength(13);
    expect(new Set(seen.map((n) => n.operationId)).size).toBe(13);
    expect(stack.upstream.requests.every((r) => r.query.$filter === "(status in ('failed','completed')) or (id eq 'it''s (quoted)')")).toBe(true);
    expect(stack.upstream.requests.some((r) => r.answeredCount === 0)).toBe(true);
    expectOnlyIssuedLinks(stack.upstream.requests);
  });

  it('uses DEFAULT_PAGE_SIZE when first is absent', async () => {
    const small = await startStack({ config: { defaultPageSize: 3 } });
    try {
      seed(small);
      const first = await page(small, 'operationId', {});
      expect(first.nodes.map((n) => n.operationId)).toEqual(["it's (quoted)", 'op-00', 'op-01']);
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(small.httpRequests()[0]!.query.$top).toBe('3');
    } finally {
      await small.close();
    }
  });

  it('refuses a filter whose upstream request would be too long to page through, before any request', async () => {
    const long = Array.from({ length: 100 }, (_, i) => `${'x'.repeat(90)}${i}`);
    const result = await stack.gql('query($f: ConnectionOperationFilter) { connectionOperations(connectionId: "c1", filter: $f) { nodes { id } } }', { f: { operationId: { in: long } } });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter' });
    expect(result.errors?.[0]?.message).toContain('8192');
    expect(stack.upstream.requests).toHaveLength(0);
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

  it('never contain or reveal the upstream URL, host, port or $skiptoken in any encoding, nor does any response', async () => {
    stack.upstream.setPageSize(2);
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connectionOperations(connectionId: "c1", first: 5) { edges { cursor } pageInfo { startCursor endCursor } } }' }),
    });
    const text = await response.text();
    const { host, hostname, pathname } = new URL(stack.serviceRoot);
    // The upstream sent nextLinks with $skiptoken values; the cursors hold those links, sealed.
    const tokens = stack.upstream.requests.flatMap((r) => (r.nextLink === undefined ? [] : [new URL(r.nextLink).searchParams.get('$skiptoken')!]));
    expect(tokens.length).toBeGreaterThan(1);
    // (host holds the port; the port alone is a few digits that base64 text may hold by chance.)
    const secrets = [host, hostname, pathname, 'skiptoken', 'operations', ...tokens];
    for (const secret of secrets) expect(text).not.toContain(secret);
    const body = JSON.parse(text);
    const cursors: string[] = [...body.data.connectionOperations.edges.map((e: { cursor: string }) => e.cursor), body.data.connectionOperations.pageInfo.endCursor];
    for (const cursor of cursors) {
      const bytes = Buffer.from(cursor, 'base64url');
      for (const spelling of [bytes.toString('latin1'), bytes.toString('utf8'), bytes.toString('base64'), bytes.toString('hex'), cursor]) {
        for (const secret of [host, hostname, pathname, 'skiptoken', 'http', ...tokens]) {
          expect(spelling).not.toContain(secret);
          expect(spelling).not.toContain(Buffer.from(secret).toString('base64url'));
          expect(spelling).not.toContain(Buffer.from(secret).toString('hex'));
        }
      }
    }
  });

  it('refuses an over-long cursor, and one of the right shape that does not open, without any upstream request', async () => {
    stack.upstream.clearRequests();
    for (const after of ['A'.repeat(30_000), Buffer.concat([Buffer.from([2]), Buffer.alloc(12), Buffer.from(`${stack.serviceRoot}/connections/c1/operations`), Buffer.alloc(16)]).toString('base64url')]) {
      const result = await ask({ a: after });
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
    expect(stack.upstream.requests).toHaveLength(0);
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

  it('refuses a cursor sealed under the same key whose link is not this list\'s under today\'s UPSTREAM_URL, and fetches nothing', async () => {
    // Another deployment with the same CURSOR_SECRET and another upstream (UPSTREAM_URL changed).
    const moved = await startStack({ config: { cursorSecret: 'test-cursor-secret-0123456789abcdef' } });
    let old: string;
    try {
      seed(moved);
      old = (await moved.gql('{ connectionOperations(connectionId: "c1", first: 2, orderBy: []) { pageInfo { endCursor } } }')).data!.connectionOperations.pageInfo.endCursor as string;
    } finally {
      await moved.close();
    }
    // And positions sealed by hand under the key, pointing elsewhere.
    const codec = new CursorCodec('test-cursor-secret-0123456789abcdef');
    const scope = scopeKey({ list: 'operations', connectionId: 'c1', filter: undefined, orderBy: undefined });
    const elsewhere = [
      'http://169.254.169.254/latest/meta-data',
      `${stack.serviceRoot}/connections/c2/operations?$top=2`,
      `${stack.serviceRoot}/connections/c1/operations/../../c2/operations`,
      `${stack.serviceRoot.replace('http:', 'https:')}/connections/c1/operations`,
    ].map((link) => codec.seal(scope, { link, index: 0 }));
    // The control case: the same construction with this list's own link opens.
    const own = codec.seal(scope, { link: `${stack.serviceRoot}/connections/c1/operations?$select=id,status,error&$top=2`, index: 1 });
    stack.upstream.clearRequests();
    for (const cursor of [old, ...elsewhere]) {
      const result = await stack.gql('query($a: String) { connectionOperations(connectionId: "c1", first: 2, after: $a, orderBy: []) { nodes { operationId } } }', { a: cursor });
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
    expect(stack.upstream.requests).toHaveLength(0);
    const result = await stack.gql('query($a: String) { connectionOperations(connectionId: "c1", first: 2, after: $a, orderBy: []) { nodes { operationId } } }', { a: own });
    expect(result.errors).toBeUndefined();
    // (Insertion order: one node into the page, op-00 left behind.)
    expect(result.data!.connectionOperations.nodes).toEqual([{ operationId: 'op-01' }, { operationId: 'op-02' }]);
  });

  it('verify on another replica with the same CURSOR_SECRET', async () => {
    // A replica: another gateway with the same CURSOR_SECRET over the same upstream.
    const replica = await startStack({ upstream: stack.upstream, config: { cursorSecret: 'test-cursor-secret-0123456789abcdef' } });
    try {
      const cursor = (await ask({})).data!.connectionOperations.pageInfo.endCursor as string;
      const result = await replica.gql('query($a: String) { connectionOperations(connectionId: "c1", first: 2, after: $a, orderBy: []) { nodes { operationId } } }', { a: cursor });
      expect(result.errors).toBeUndefined();
      expect(result.data!.connectionOperations.nodes).toEqual([{ operationId: 'op-02' }, { operationId: 'op-03' }]);
    } finally {
      await replica.close();
    }
  });
});
