/**
 * Server-driven paging over HTTP, as Microsoft Graph does it (paging.ts, skiptoken.ts): both collections
 * (operations and externalConnections), both path families, `$batch` parts, the switches (option,
 * `setPaging`, control endpoint, `reset`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createODataService } from '../src/service.js';
import type { StoredOperation } from '../src/store.js';
import { type Harness, type HttpResult, type TestClient, arr, graphError, ids, obj, q, startService } from './helpers.js';

interface WalkedPage {
  ids: string[];
  next?: string;
  count?: unknown;
}

/** Follows `@odata.nextLink`s, each sent whole, from `first` to the end. */
async function walk(client: TestClient, first: string): Promise<WalkedPage[]> {
  const pages: WalkedPage[] = [];
  let url: string | undefined = first;
  while (url !== undefined) {
    const res = await client.send('GET', url);
    expect(res.status, `${url}: ${res.text}`).toBe(200);
    const body = obj(res.json);
    const next = body['@odata.nextLink'];
    const page: WalkedPage = { ids: ids(res) };
    if (typeof next === 'string') page.next = next;
    if ('@odata.count' in body) page.count = body['@odata.count'];
    pages.push(page);
    url = page.next;
    if (pages.length > 200) throw new Error(`no end after 200 pages from ${first}`);
  }
  return pages;
}

const sizes = (pages: readonly WalkedPage[]) => pages.map((page) => page.ids.length);

/**
 * What Graph's guide warns about happened: an empty page with a next link, and (unless a page holds at most
 * one item) non-empty pages of different sizes.
 */
function expectUnevenAndEmpty(pages: readonly WalkedPage[], cap: number, label: string): void {
  expect(pages.some((page) => page.ids.length === 0 && page.next !== undefined), label).toBe(true);
  if (cap > 1) expect(new Set(sizes(pages).filter((size) => size > 0)).size, label).toBeGreaterThanOrEqual(2);
}

/** Graph's 400 body. */
function expectBadRequest(res: HttpResult, message: RegExp, label = ''): void {
  expect(res.status, `${label} ${res.text}`).toBe(400);
  expect(graphError(res).code, label).toBe('BadRequest');
  expect(graphError(res).message, label).toMatch(message);
}

const TOKEN_REFUSED = /\$skiptoken is not valid for this request/;
const SKIP_REFUSED = /Query option 'Skip' is not allowed/;

/** The query of a link, as written (raw). */
function rawQuery(link: string): string {
  return link.slice(link.indexOf('?') + 1);
}

function skiptokenOf(link: string): string {
  const match = /[?&]\$skiptoken=([^&]*)$/.exec(link);
  if (!match?.[1]) throw new Error(`no $skiptoken at the end of ${link}`);
  return match[1];
}

let h: Harness;
let operations: StoredOperation[];
beforeAll(async () => {
  h = await startService({ pageSize: 10, controlEndpoint: true });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.service.reset();
  const statuses = ['failed', 'completed', 'inprogress', 'completed', 'unspecified'];
  for (let i = 0; i < 37; i++) h.service.store.putOperation('big', { id: `item-${String(36 - i).padStart(2, '0')}`, status: statuses[i % 5] ?? null });
  for (let i = 0; i < 5; i++) h.service.store.putOperation('other', { id: `item-${String(i).padStart(2, '0')}`, status: 'completed' });
  operations = h.service.store.listOperations('big');
});

const OPS = '/connections/big/operations';

describe('the operations collection through next links', () => {
  const byId = (a: StoredOperation, b: StoredOperation) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const cases: Array<{ query: Record<string, string>; expected: () => string[] }> = [
    { query: {}, expected: () => operations.map((op) => op.id) },
    { query: { $top: '1' }, expected: () => operations.map((op) => op.id) },
    { query: { $top: '4' }, expected: () => operations.map((op) => op.id) },
    { query: { $top: '7', $orderby: 'id' }, expected: () => [...operations].sort(byId).map((op) => op.id) },
    { query: { $top: '25', $orderby: 'id desc' }, expected: () => [...operations].sort(byId).reverse().map((op) => op.id) },
    {
      query: { $filter: "status eq 'completed' or status eq 'failed'", $orderby: 'status desc,id', $top: '3', $count: 'true', $select: 'status' },
      expected: () =>
        [...operations]
          .filter((op) => op.status === 'completed' || op.status === 'failed')
          .sort((a, b) => (a.status === b.status ? byId(a, b) : a.status === 'failed' ? -1 : 1))
          .map((op) => op.id),
    },
    { query: { $filter: "status ne 'inprogress'", $top: '2' }, expected: () => operations.filter((op) => op.status !== 'inprogress').map((op) => op.id) },
  ];

  for (const pageSize of [10, 3]) {
    it.each(cases)(`page size ${pageSize}: every item exactly once, in order, for %j`, async ({ query, expected }) => {
      h.service.setPageSize(pageSize);
      const first = `${OPS}${Object.keys(query).length ? `?${q(query)}` : ''}`;
      const pages = await walk(h.client, first);
      const want = expected();
      expect(pages.flatMap((page) => page.ids)).toEqual(want);
      const cap = Math.min(pageSize, Number(query['$top'] ?? pageSize));
      for (const page of pages) expect(page.ids.length).toBeLessThanOrEqual(cap);
      expect(pages[0]?.ids).toHaveLength(Math.min(cap, want.length)); // the first page is a full one
      expect(pages.at(-1)?.ids.length).toBeGreaterThan(0); // never an empty last page
      if (want.length >= 3 * cap) expectUnevenAndEmpty(pages, cap, first);
      if (query['$count']) for (const page of pages) expect(page.count).toBe(want.length);
      const links = pages.flatMap((page) => (page.next ? [page.next] : []));
      expect(new Set(links).size).toBe(links.length); // an empty page links onwards, never to itself
      for (const link of links) {
        // The options exactly as written, plus the token; the path family and connection kept.
        expect(link).toMatch(new RegExp(`^${h.service.url.replace(/[.]/g, '\\.')}/connections/big/operations\\?`));
        expect(rawQuery(link)).toBe(`${first.includes('?') ? `${first.slice(first.indexOf('?') + 1)}&` : ''}$skiptoken=${skiptokenOf(link)}`);
      }
    });
  }

  it('the default pages of 37 items with page size 10: 10, 9, 8, empty, 9, 1', async () => {
    const pages = await walk(h.client, OPS);
    expect(sizes(pages)).toEqual([10, 9, 8, 0, 9, 1]);
    expect(pages[3]?.next).toBeDefined();
  });

  it('with variation and empty pages off, pages are exact: the cap, then the rest, no trailing empty page', async () => {
    h.service.setPaging({ unevenPages: false, emptyPages: false });
    expect(sizes(await walk(h.client, OPS))).toEqual([10, 10, 10, 7]);
    expect(sizes(await walk(h.client, `${OPS}?$top=4`))).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 1]);
    const pages = await walk(h.client, `${OPS}?${q({ $filter: "status eq 'completed'", $top: '5' })}`);
    expect(sizes(pages)).toEqual([5, 5, 5]); // 15 items: an exact multiple ends without an empty page
    expect(pages.flatMap((page) => page.ids)).toEqual(operations.filter((op) => op.status === 'completed').map((op) => op.id));
  });

  it('each switch on its own: uneven without empty pages, empty pages without variation', async () => {
    h.service.setPaging({ emptyPages: false });
    expect(sizes(await walk(h.client, OPS))).toEqual([10, 9, 8, 10]);
    h.service.setPaging({ emptyPages: true, unevenPages: false });
    expect(sizes(await walk(h.client, OPS))).toEqual([10, 10, 10, 0, 7]);
  });

  it('no matching item: one empty page without a next link', async () => {
    const res = await h.client.get(`${OPS}?${q({ $filter: "id eq 'nope'", $count: 'true' })}`);
    expect(obj(res.json)).toMatchObject({ value: [], '@odata.count': 0 });
    expect(obj(res.json)).not.toHaveProperty('@odata.nextLink');
  });

  it('$top=0: no items, no next link', async () => {
    const res = await h.client.get(`${OPS}?$top=0`);
    expect(ids(res)).toEqual([]);
    expect(obj(res.json)).not.toHaveProperty('@odata.nextLink');
  });

  it('the same request gets the same next link (tokens are deterministic)', async () => {
    const a = obj((await h.client.get(`${OPS}?$top=5`)).json)['@odata.nextLink'];
    const b = obj((await h.client.get(`${OPS}?$top=5`)).json)['@odata.nextLink'];
    expect(typeof a).toBe('string');
    expect(a).toBe(b);
  });

  it('the token is not a readable offset', async () => {
    const link = String(obj((await h.client.get(`${OPS}?$top=5`)).json)['@odata.nextLink']);
    const token = skiptokenOf(link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const bytes = Buffer.from(token, 'base64url');
    expect(bytes.toString('latin1')).not.toContain('offset');
    expect(bytes.includes(Buffer.from([0, 0, 0, 5]))).toBe(false); // not even as a binary number
  });

  it('items written between pages do not stop the walk: a token past the end is an empty last page', async () => {
    const pages: WalkedPage[] = [];
    let link: string | undefined = `${OPS}?$top=10`;
    for (let i = 0; i < 3 && link; i++) {
      const res = await h.client.send('GET', link);
      link = obj(res.json)['@odata.nextLink'] as string | undefined;
      pages.push({ ids: ids(res) });
    }
    // 27 items seen; the next link points at offset 27 (an empty page 3 is due). Delete all but 5 items.
    for (const op of operations.slice(5)) h.service.store.deleteOperation('big', op.id);
    const res = await h.client.send('GET', String(link));
    expect(res.status).toBe(200);
    expect(obj(res.json)).toMatchObject({ value: [] });
    expect(obj(res.json)).not.toHaveProperty('@odata.nextLink');
  });
});

describe('skip tokens are bound to their query and collection', () => {
  const QUERY = { $filter: "status ne 'inprogress'", $orderby: 'id desc', $select: 'status', $top: '5', $count: 'true' };
  let link: string;
  let token: string;
  beforeEach(async () => {
    link = String(obj((await h.client.get(`${OPS}?${q(QUERY)}`)).json)['@odata.nextLink']);
    token = skiptokenOf(link);
  });

  it('the whole link works, and so does the same query spelled differently (the binding is decoded)', async () => {
    expect((await h.client.send('GET', link)).status).toBe(200);
    const respelled = `${OPS}?%24count=true&$top=5&$select=status&$orderby=id+desc&$filter=status%20ne%20%27inprogress%27&custom=x&$skiptoken=${token}`;
    expect(ids(await h.client.get(respelled))).toEqual(ids(await h.client.send('GET', link)));
  });

  it.each([
    ['$filter', { ...QUERY, $filter: "status ne 'failed'" }],
    ['$filter removed', { $orderby: QUERY.$orderby, $select: QUERY.$select, $top: QUERY.$top, $count: QUERY.$count }],
    ['$orderby', { ...QUERY, $orderby: 'id' }],
    ['$orderby removed', { $filter: QUERY.$filter, $select: QUERY.$select, $top: QUERY.$top, $count: QUERY.$count }],
    ['$select', { ...QUERY, $select: 'status,error' }],
    ['$select removed', { $filter: QUERY.$filter, $orderby: QUERY.$orderby, $top: QUERY.$top, $count: QUERY.$count }],
    ['$top', { ...QUERY, $top: '6' }],
    ['$top removed', { $filter: QUERY.$filter, $orderby: QUERY.$orderby, $select: QUERY.$select, $count: QUERY.$count }],
    ['$count', { ...QUERY, $count: 'false' }],
    ['$count removed', { $filter: QUERY.$filter, $orderby: QUERY.$orderby, $select: QUERY.$select, $top: QUERY.$top }],
  ])('replayed with another %s: 400', async (label, query) => {
    expectBadRequest(await h.client.get(`${OPS}?${q(query)}&$skiptoken=${token}`), TOKEN_REFUSED, label);
  });

  it('replayed on another connection, path family or collection: 400', async () => {
    for (const path of ['/connections/other/operations', '/external/connections/big/operations', '/connections', '/external/connections']) {
      const query = path.endsWith('operations') ? q(QUERY) : q({ $top: '5', $count: 'true' });
      expectBadRequest(await h.client.get(`${path}?${query}&$skiptoken=${token}`), TOKEN_REFUSED, path);
    }
    // …and a connections token on operations or on the other family.
    const connectionsLink = String(obj((await h.client.get('/connections?$top=1')).json)['@odata.nextLink']);
    expectBadRequest(await h.client.get(`/external/connections?$top=1&$skiptoken=${skiptokenOf(connectionsLink)}`), TOKEN_REFUSED);
    expectBadRequest(await h.client.get(`${OPS}?$top=1&$skiptoken=${skiptokenOf(connectionsLink)}`), TOKEN_REFUSED);
  });

  it('altered, made up or empty: 400', async () => {
    const flipped = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    const oldStyle = Buffer.from('offset:5', 'utf8').toString('base64url'); // what this service used to issue
    for (const bad of [flipped, `${token}A`, token.slice(1), 'abc', oldStyle, '', '%00', '5']) {
      expectBadRequest(await h.client.get(`${OPS}?${q(QUERY)}&$skiptoken=${bad}`), TOKEN_REFUSED, bad);
    }
  });

  it('a token from another service instance (another key): 400', async () => {
    const other = await startService({ pageSize: 10 });
    try {
      other.service.store.putOperation('big', { id: 'x' });
      expectBadRequest(await other.client.get(`${OPS}?${q(QUERY)}&$skiptoken=${token}`), TOKEN_REFUSED);
    } finally {
      await other.close();
    }
  });

  it('inside $batch: a changed query is a 400 part, the whole link a 200 part', async () => {
    const res = await h.client.send('POST', '/$batch', {
      body: {
        requests: [
          { id: 'whole', method: 'GET', url: link },
          { id: 'changed', method: 'GET', url: `${OPS}?${q({ ...QUERY, $top: '6' })}&$skiptoken=${token}` },
        ],
      },
    });
    const parts = new Map(arr(obj(res.json)['responses']).map((part) => [String(obj(part)['id']), obj(part)]));
    expect(parts.get('whole')?.['status']).toBe(200);
    expect(parts.get('changed')?.['status']).toBe(400);
    expect(obj(obj(parts.get('changed')?.['body'])['error'])['message']).toMatch(TOKEN_REFUSED);
  });
});

describe('$skip', () => {
  it('is refused with a Graph 400 by default, on both collections and families, even next to a token', async () => {
    for (const path of [`${OPS}?$skip=5`, `${OPS}?$skip=0&$top=3`, '/external/connections/big/operations?$skip=1', '/connections?$skip=1', '/external/connections?$top=1&$skip=2']) {
      expectBadRequest(await h.client.get(path), SKIP_REFUSED, path);
    }
    const link = String(obj((await h.client.get(`${OPS}?$top=3`)).json)['@odata.nextLink']);
    expectBadRequest(await h.client.get(`${OPS}?$top=3&$skip=3&$skiptoken=${skiptokenOf(link)}`), SKIP_REFUSED);
    const res = await h.client.get(`${OPS}?$skip=5`);
    expect(graphError(res).message).toContain('@odata.nextLink');
    expect(graphError(res).innerError['request-id']).toBe(res.headers['request-id']);
  });

  it('is still validated when ignored, and refused on a single entity whatever the switch', async () => {
    h.service.setPaging({ skip: 'ignore' });
    expect((await h.client.get(`${OPS}?$skip=abc`)).status).toBe(400);
    expect((await h.client.get(`${OPS}/item-01?$skip=1`)).status).toBe(400);
  });

  it('with skip: ignore, is ignored: the first page again, and next links (which keep it) run through everything', async () => {
    h.service.setPaging({ skip: 'ignore' });
    const without = await h.client.get(`${OPS}?$top=4&$count=true`);
    const withSkip = await h.client.get(`${OPS}?$top=4&$count=true&$skip=5`);
    expect(ids(withSkip)).toEqual(ids(without));
    expect(obj(withSkip.json)['@odata.count']).toBe(37);
    const pages = await walk(h.client, `${OPS}?$top=4&$skip=5`);
    expect(pages.flatMap((page) => page.ids)).toEqual(operations.map((op) => op.id));
    for (const page of pages) if (page.next) expect(page.next).toContain('$top=4&$skip=5&$skiptoken=');
    expect(ids(await h.client.get('/connections?$skip=1'))).toEqual(ids(await h.client.get('/connections')));
  });
});

describe('ignoreTop', () => {
  it('pages at the server page size whatever $top says, still uneven, with empty pages', async () => {
    h.service.setPaging({ ignoreTop: true });
    const pages = await walk(h.client, `${OPS}?$top=2`);
    expect(sizes(pages)).toEqual([10, 9, 8, 0, 9, 1]);
    expect(pages.flatMap((page) => page.ids)).toEqual(operations.map((op) => op.id));
    expect(ids(await h.client.get(`${OPS}?$top=0`))).toHaveLength(10);
    for (const page of pages) if (page.next) expect(page.next).toContain('$top=2&$skiptoken=');
  });

  it('the token stays bound to the $top written', async () => {
    h.service.setPaging({ ignoreTop: true });
    const link = String(obj((await h.client.get(`${OPS}?$top=2`)).json)['@odata.nextLink']);
    expectBadRequest(await h.client.get(`${OPS}?$top=3&$skiptoken=${skiptokenOf(link)}`), TOKEN_REFUSED);
  });
});

describe('the connections collection', () => {
  beforeEach(() => {
    for (let n = 0; n < 23; n++) h.service.store.putConnection({ id: `conn-${String(n).padStart(2, '0')}`, name: `Connection ${n}`, description: null, state: 'ready' });
  });
  const connectionIds = () => h.service.store.listConnections().map((c) => c.id);

  it.each<Record<string, string>>([{}, { $top: '3' }, { $top: '1', $select: 'name' }, { $top: '4', $count: 'true' }, { $top: '50' }])(
    'every connection exactly once, in order, through next links, both families: %j',
    async (query) => {
      for (const family of ['/connections', '/external/connections']) {
        const first = `${family}${Object.keys(query).length ? `?${q(query)}` : ''}`;
        const pages = await walk(h.client, first);
        expect(pages.flatMap((page) => page.ids)).toEqual(connectionIds());
        expect(pages.at(-1)?.ids.length).toBeGreaterThan(0);
        const cap = Math.min(10, Number(query['$top'] ?? 10));
        for (const page of pages) expect(page.ids.length).toBeLessThanOrEqual(cap);
        if (connectionIds().length >= 3 * cap) expectUnevenAndEmpty(pages, cap, first);
        for (const page of pages) if (page.next) expect(page.next.startsWith(`${h.service.url}${family}?`)).toBe(true);
        if (query['$count']) for (const page of pages) expect(page.count).toBe(25);
      }
    },
  );

  it('pages 25 connections at page size 10 as 10, 9, 6 ($top=50 capped), exact with variation off', async () => {
    expect(sizes(await walk(h.client, '/connections?$top=50'))).toEqual([10, 9, 6]);
    h.service.setPaging({ unevenPages: false, emptyPages: false });
    expect(sizes(await walk(h.client, '/connections?$top=4'))).toEqual([4, 4, 4, 4, 4, 4, 1]);
  });

  it('tokens are bound to $select, $top and $count here too', async () => {
    const link = String(obj((await h.client.get('/connections?$top=3&$select=name&$count=true')).json)['@odata.nextLink']);
    const token = skiptokenOf(link);
    expect((await h.client.send('GET', link)).status).toBe(200);
    for (const query of ['$top=3&$select=name', '$top=3&$count=true', '$top=4&$select=name&$count=true', '$select=state&$top=3&$count=true']) {
      expectBadRequest(await h.client.get(`/connections?${query}&$skiptoken=${token}`), TOKEN_REFUSED, query);
    }
  });

  it('ignoreTop applies here too', async () => {
    h.service.setPaging({ ignoreTop: true });
    expect(ids(await h.client.get('/connections?$top=2'))).toHaveLength(10);
  });
});

describe('$batch parts page the same way', () => {
  it('a part gets an uneven page and a next link, which a later part follows whole', async () => {
    const send = async (url: string) => {
      const res = await h.client.send('POST', '/$batch', { body: { requests: [{ id: 'p', method: 'GET', url }] } });
      const part = obj(arr(obj(res.json)['responses'])[0]);
      expect(part['status']).toBe(200);
      return obj(part['body']);
    };
    const collected: string[] = [];
    const seen: number[] = [];
    let url: string | undefined = `${OPS}?$top=5`;
    while (url !== undefined) {
      const body = await send(url);
      const value = arr(body['value']).map((item) => String(obj(item)['id']));
      collected.push(...value);
      seen.push(value.length);
      url = body['@odata.nextLink'] as string | undefined;
    }
    expect(collected).toEqual(operations.map((op) => op.id));
    expect(seen.slice(0, 5)).toEqual([5, 4, 3, 0, 4]);
  });

  it('a $skip part is a 400 part', async () => {
    const res = await h.client.send('POST', '/$batch', { body: { requests: [{ id: 'p', method: 'GET', url: `${OPS}?$skip=1` }] } });
    const part = obj(arr(obj(res.json)['responses'])[0]);
    expect(part['status']).toBe(400);
    expect(obj(obj(part['body'])['error'])['message']).toMatch(SKIP_REFUSED);
  });
});

describe('the topEndsCollection quirk (standard OData $top)', () => {
  it('$top limits the whole result, paged at the server page size (uneven, empty pages included)', async () => {
    const quirky = await startService({ pageSize: 4, quirks: { topEndsCollection: true } });
    try {
      for (let i = 0; i < 30; i++) quirky.service.store.putOperation('c', { id: `op-${String(i).padStart(2, '0')}` });
      const pages = await walk(quirky.client, '/connections/c/operations?$top=15');
      expect(sizes(pages)).toEqual([4, 3, 2, 0, 3, 2, 1]);
      expect(pages.flatMap((page) => page.ids)).toEqual(Array.from({ length: 15 }, (_, i) => `op-${String(i).padStart(2, '0')}`));
      quirky.service.setPaging({ unevenPages: false, emptyPages: false });
      expect(sizes(await walk(quirky.client, '/connections/c/operations?$top=15'))).toEqual([4, 4, 4, 3]);
      expect(sizes(await walk(quirky.client, '/connections/c/operations?$top=2'))).toEqual([2]);
      expect(ids(await quirky.client.get('/connections/c/operations?$top=0'))).toEqual([]);
      // ignoreTop wins: no limit either.
      quirky.service.setPaging({ ignoreTop: true });
      expect(sizes(await walk(quirky.client, '/connections/c/operations?$top=15')).reduce((a, b) => a + b, 0)).toBe(30);
    } finally {
      await quirky.close();
    }
  });
});

describe('the switches', () => {
  it('createODataService({ paging }) sets them; reset() returns to them, not to the defaults', async () => {
    const custom = await startService({ pageSize: 10, paging: { skip: 'ignore', emptyPages: false } });
    try {
      for (let i = 0; i < 37; i++) custom.service.store.putOperation('big', { id: `op-${String(i).padStart(2, '0')}` });
      expect(sizes(await walk(custom.client, OPS))).toEqual([10, 9, 8, 10]);
      expect((await custom.client.get(`${OPS}?$skip=3`)).status).toBe(200);
      custom.service.setPaging({ skip: 'refuse', emptyPages: true, unevenPages: false });
      expect((await custom.client.get(`${OPS}?$skip=3`)).status).toBe(400);
      expect(sizes(await walk(custom.client, OPS))).toEqual([10, 10, 10, 0, 7]);
      custom.service.reset();
      for (let i = 0; i < 37; i++) custom.service.store.putOperation('big', { id: `op-${String(i).padStart(2, '0')}` });
      expect((await custom.client.get(`${OPS}?$skip=3`)).status).toBe(200);
      expect(sizes(await walk(custom.client, OPS))).toEqual([10, 9, 8, 10]);
    } finally {
      await custom.close();
    }
  });

  it('setPaging changes only what it names; reset() restores the defaults', async () => {
    h.service.setPaging({ ignoreTop: true });
    h.service.setPaging({ unevenPages: false });
    expect(ids(await h.client.get(`${OPS}?$top=2`))).toHaveLength(10); // ignoreTop still on
    expect(sizes(await walk(h.client, OPS))).toEqual([10, 10, 10, 0, 7]);
    h.service.reset();
    h.service.store.putOperation('big', { id: 'a' });
    h.service.store.putOperation('big', { id: 'b' });
    h.service.store.putOperation('big', { id: 'c' });
    expect(ids(await h.client.get(`${OPS}?$top=2`))).toEqual(['a', 'b']);
    expect((await h.client.get(`${OPS}?$skip=1`)).status).toBe(400);
  });

  it('bad options are TypeErrors, at creation and in setPaging', () => {
    expect(() => createODataService({ paging: { skip: 'honour' as 'refuse' } })).toThrow(/skip must be 'refuse' or 'ignore'/);
    expect(() => h.service.setPaging({ unevenPages: 'no' as unknown as boolean })).toThrow(TypeError);
    expect(() => h.service.setPaging({ emptyPage: false } as never)).toThrow(/Unknown paging option 'emptyPage'/);
  });

  it('the control endpoint: GET and POST {root}/$test/paging, validated; POST $test/reset restores', async () => {
    const c = h.client;
    expect(obj((await c.get('/$test/paging')).json)).toEqual({ skip: 'refuse', unevenPages: true, emptyPages: true, ignoreTop: false });
    expect((await c.send('POST', '/$test/paging', { body: { skip: 'ignore', unevenPages: false } })).status).toBe(204);
    expect(obj((await c.get('/$test/paging')).json)).toEqual({ skip: 'ignore', unevenPages: false, emptyPages: true, ignoreTop: false });
    expect((await c.get(`${OPS}?$skip=4`)).status).toBe(200);
    expect(sizes(await walk(c, OPS))).toEqual([10, 10, 10, 0, 7]);
    expect((await c.send('POST', '/$test/paging', { body: { ignoreTop: true } })).status).toBe(204);
    expect(ids(await c.get(`${OPS}?$top=1`))).toHaveLength(10);

    for (const body of [{ skip: 'maybe' }, { ignoreTop: 'yes' }, { unknown: true }, [], 'text']) {
      const res = await c.send('POST', '/$test/paging', { body: typeof body === 'string' ? body : body, headers: { 'content-type': 'application/json' } });
      expectBadRequest(res, /paging option|must be an object/i, JSON.stringify(body));
    }
    expectBadRequest(await c.send('POST', '/$test/paging'), /must be an object/);
    expect((await c.send('DELETE', '/$test/paging')).status).toBe(405);
    expect(obj((await c.get('/$test/paging')).json)).toEqual({ skip: 'ignore', unevenPages: false, emptyPages: true, ignoreTop: true }); // unchanged by the bad ones

    expect((await c.send('POST', '/$test/reset')).status).toBe(204);
    expect(obj((await c.get('/$test/paging')).json)).toEqual({ skip: 'refuse', unevenPages: true, emptyPages: true, ignoreTop: false });
    // The control endpoint is not recorded.
    expect(h.service.requests.some((r) => r.path.includes('$test'))).toBe(false);
  });

  it('without the control endpoint, $test/paging does not exist', async () => {
    const plain = await startService();
    try {
      expect((await plain.client.send('POST', '/$test/paging', { body: { skip: 'ignore' } })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
