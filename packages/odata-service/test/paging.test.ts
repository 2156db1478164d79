/** Page arithmetic and the paging policy, without HTTP (paging.ts). */
import { describe, expect, it } from 'vitest';
import { ODataError } from '../src/errors.js';
import {
  DEFAULT_PAGING,
  type PagePosition,
  type PagingContext,
  type PagingSwitches,
  isEmptyPageIndex,
  pageCap,
  pageOf,
  pageSizeAt,
  pageWindow,
  withPaging,
} from '../src/paging.js';
import { parseQueryOptions, parseQueryString } from '../src/query-options.js';
import { createSkipTokenCodec } from '../src/skiptoken.js';

/** Every page of a collection of `total` items, following `next` from the first: [start, end] each. */
function walk(total: number, cap: number, switches: Pick<PagingSwitches, 'unevenPages' | 'emptyPages'> = DEFAULT_PAGING): Array<[number, number]> {
  const pages: Array<[number, number]> = [];
  let at: PagePosition | undefined = { offset: 0, page: 0 };
  while (at !== undefined) {
    const window = pageWindow(total, at, cap, switches);
    pages.push([window.start, window.end]);
    at = window.next;
    if (pages.length > 10 * total + 10) throw new Error('no progress');
  }
  return pages;
}

const sizes = (pages: Array<[number, number]>) => pages.map(([start, end]) => end - start);

describe('page arithmetic', () => {
  it('cap: the server page size, or $top when it is a page size and smaller', () => {
    expect(pageCap(100, undefined)).toBe(100);
    expect(pageCap(100, 7)).toBe(7);
    expect(pageCap(10, 25)).toBe(10);
    expect(pageCap(10, 0)).toBe(0);
  });

  it('page k holds max(1, cap − k mod 3) items when uneven, cap otherwise', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => pageSizeAt(10, k, true))).toEqual([10, 9, 8, 10, 9, 8, 10]);
    expect([0, 1, 2, 3].map((k) => pageSizeAt(2, k, true))).toEqual([2, 1, 1, 2]);
    expect([0, 1, 2].map((k) => pageSizeAt(1, k, true))).toEqual([1, 1, 1]);
    expect([0, 1, 2].map((k) => pageSizeAt(10, k, false))).toEqual([10, 10, 10]);
  });

  it('every 4th page is an empty one: index 3, 7, 11, …; never two in a row', () => {
    expect(Array.from({ length: 12 }, (_, k) => k).filter(isEmptyPageIndex)).toEqual([3, 7, 11]);
    for (let k = 0; k < 100; k++) expect(isEmptyPageIndex(k) && isEmptyPageIndex(k + 1)).toBe(false);
  });

  it('by default: uneven sizes and an empty page with a next link at the same offset', () => {
    // 20 items, cap 5: pages 0..6 hold 5, 4, 3, 0, 4 (4 mod 3 = 1), 3, and the last 1.
    expect(walk(20, 5)).toEqual([
      [0, 5],
      [5, 9],
      [9, 12],
      [12, 12],
      [12, 16],
      [16, 19],
      [19, 20],
    ]);
    const empty = pageWindow(20, { offset: 12, page: 3 }, 5, DEFAULT_PAGING);
    expect(empty.next).toEqual({ offset: 12, page: 4 });
  });

  it('exact pages of the cap with variation and empty pages off', () => {
    expect(sizes(walk(23, 5, { unevenPages: false, emptyPages: false }))).toEqual([5, 5, 5, 5, 3]);
    expect(sizes(walk(20, 5, { unevenPages: false, emptyPages: false }))).toEqual([5, 5, 5, 5]); // no trailing empty page
    expect(sizes(walk(20, 5, { unevenPages: true, emptyPages: false }))).toEqual([5, 4, 3, 5, 3]);
    expect(sizes(walk(20, 5, { unevenPages: false, emptyPages: true }))).toEqual([5, 5, 5, 0, 5]);
  });

  it('for every size and cap: each item once in order, no empty end, empty pages only with progress after them', () => {
    for (const switches of [DEFAULT_PAGING, { unevenPages: false, emptyPages: true }, { unevenPages: true, emptyPages: false }, { unevenPages: false, emptyPages: false }]) {
      for (let total = 0; total <= 40; total++) {
        for (const cap of [1, 2, 3, 5, 7, 100]) {
          const pages = walk(total, cap, switches);
          const label = `${JSON.stringify(switches)} total ${total} cap ${cap}`;
          // contiguous from 0 to total
          expect(pages[0]?.[0], label).toBe(0);
          pages.forEach(([start], i) => i > 0 && expect(start, label).toBe(pages[i - 1]?.[1]));
          expect(pages.at(-1)?.[1], label).toBe(total);
          const s = sizes(pages);
          for (const size of s) expect(size, label).toBeLessThanOrEqual(cap);
          // the last page is empty only when the whole collection is
          if (total > 0) expect(s.at(-1), label).toBeGreaterThan(0);
          else expect(s, label).toEqual([0]);
          s.forEach((size, k) => {
            if (size === 0 && k < s.length - 1) {
              expect(switches.emptyPages, label).toBe(true);
              expect(k % 4, label).toBe(3);
              expect(s[k + 1], label).toBeGreaterThan(0);
            }
          });
          if (!switches.unevenPages) s.slice(0, -1).forEach((size) => expect([0, cap], label).toContain(size));
        }
      }
    }
  });

  it('a position at the end is an empty last page, even where an empty page with a next link would be due', () => {
    // Items deleted between two pages: the token points past the end. Never an empty page with a next link there.
    expect(pageWindow(10, { offset: 10, page: 3 }, 5, DEFAULT_PAGING)).toEqual({ start: 10, end: 10 });
    expect(pageWindow(10, { offset: 14, page: 1 }, 5, DEFAULT_PAGING)).toEqual({ start: 10, end: 10 });
  });

  it('cap 0 ($top=0): nothing and no next link, on any page index', () => {
    expect(pageWindow(10, { offset: 0, page: 0 }, 0, DEFAULT_PAGING)).toEqual({ start: 0, end: 0 });
    expect(pageWindow(10, { offset: 0, page: 3 }, 0, DEFAULT_PAGING)).toEqual({ start: 0, end: 0 });
  });
});

describe('paging switches', () => {
  it('defaults: $skip refused, uneven and empty pages, $top honoured', () => {
    expect(DEFAULT_PAGING).toEqual({ skip: 'refuse', unevenPages: true, emptyPages: true, ignoreTop: false });
    expect(Object.isFrozen(DEFAULT_PAGING)).toBe(true);
  });

  it('withPaging changes only the named switches and leaves its input alone', () => {
    const current: PagingSwitches = { ...DEFAULT_PAGING };
    expect(withPaging(current, { skip: 'ignore', ignoreTop: true })).toEqual({ skip: 'ignore', unevenPages: true, emptyPages: true, ignoreTop: true });
    expect(withPaging(current, { unevenPages: false, emptyPages: false, skip: undefined })).toEqual({ skip: 'refuse', unevenPages: false, emptyPages: false, ignoreTop: false });
    expect(withPaging({ ...current, skip: 'ignore' }, { skip: 'refuse' }).skip).toBe('refuse');
    expect(current).toEqual(DEFAULT_PAGING);
    expect(withPaging(current, {})).toEqual(current);
  });

  it.each([
    [null, 'must be an object'],
    [[], 'must be an object'],
    ['skip', 'must be an object'],
    [{ skip: 'honour' }, "skip must be 'refuse' or 'ignore'"],
    [{ unevenPages: 'false' }, 'unevenPages must be true or false'],
    [{ emptyPages: 0 }, 'emptyPages must be true or false'],
    [{ ignoreTop: null }, 'ignoreTop must be true or false'],
    [{ emptypages: false }, "Unknown paging option 'emptypages'"],
  ])('withPaging refuses %j', (partial, message) => {
    expect(() => withPaging(DEFAULT_PAGING, partial)).toThrow(TypeError);
    expect(() => withPaging(DEFAULT_PAGING, partial)).toThrow(message);
  });
});

describe('pageOf', () => {
  const items = Array.from({ length: 30 }, (_, i) => i);
  const tokens = createSkipTokenCodec();
  const context = (switches: Partial<PagingSwitches> = {}, extra: Partial<PagingContext> = {}): PagingContext => ({
    switches: { ...DEFAULT_PAGING, ...switches },
    pageSize: 10,
    topEndsCollection: false,
    tokens,
    ...extra,
  });
  const request = (raw: string, collection: readonly string[] = ['operations', 'connections', 'c1']) => {
    const entries = parseQueryString(raw);
    const query = parseQueryOptions(entries, ['$select', '$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken'], 'test');
    return { collection, entries, top: query.top, skip: query.skip, skiptoken: query.skiptoken };
  };
  const badRequest = (fn: () => unknown, message: RegExp) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ODataError);
      expect((error as ODataError).status).toBe(400);
      expect((error as ODataError).code).toBe('BadRequest');
      expect((error as ODataError).message).toMatch(message);
      return;
    }
    throw new Error('expected a 400');
  };

  /** Follows next tokens from the first page: the items of each page. */
  function all(raw: string, ctx: PagingContext): number[][] {
    const pages: number[][] = [];
    let token: string | undefined;
    do {
      const page = pageOf(items, request(token === undefined ? raw : `${raw}&$skiptoken=${token}`), ctx);
      pages.push(page.items);
      token = page.nextSkipToken;
    } while (token !== undefined && pages.length < 100);
    return pages;
  }

  it('first page at the cap, later pages through tokens, each item once', () => {
    const pages = all('$top=4', context());
    expect(pages.map((p) => p.length)).toEqual([4, 3, 2, 0, 3, 2, 4, 0, 2, 4, 3, 0, 3]);
    expect(pages.flat()).toEqual(items);
  });

  it('$skip is refused by default, even next to a token, and ignored by the switch', () => {
    badRequest(() => pageOf(items, request('$skip=5'), context()), /Query option 'Skip' is not allowed.*@odata\.nextLink/);
    badRequest(() => pageOf(items, request('$skip=0'), context()), /'Skip' is not allowed/);
    const first = pageOf(items, request('$top=3'), context());
    badRequest(() => pageOf(items, request(`$top=3&$skip=1&$skiptoken=${first.nextSkipToken}`), context()), /'Skip' is not allowed/);
    expect(pageOf(items, request('$skip=5&$top=3'), context({ skip: 'ignore' })).items).toEqual([0, 1, 2]);
    // Ignored on later pages too: the token decides where a page starts.
    expect(all('$skip=5&$top=3', context({ skip: 'ignore' })).flat()).toEqual(items);
  });

  it('a token from another query or collection, altered, or made up is refused', () => {
    const token = pageOf(items, request('$top=3'), context()).nextSkipToken;
    expect(pageOf(items, request(`$top=3&$skiptoken=${token}`), context()).items).toEqual([3, 4]);
    for (const raw of [`$top=4&$skiptoken=${token}`, `$skiptoken=${token}`, `$top=3&$count=true&$skiptoken=${token}`, `$top=3&$skiptoken=${token}x`, '$top=3&$skiptoken=b2Zmc2V0OjM']) {
      badRequest(() => pageOf(items, request(raw), context()), /\$skiptoken is not valid for this request.*whole/);
    }
    badRequest(() => pageOf(items, request(`$top=3&$skiptoken=${token}`, ['operations', 'connections', 'c2']), context()), /\$skiptoken is not valid/);
  });

  it('ignoreTop: pages of the server page size, still uneven, with a token still bound to the $top sent', () => {
    const pages = all('$top=2', context({ ignoreTop: true }));
    expect(pages.map((p) => p.length)).toEqual([10, 9, 8, 0, 3]);
    expect(pages.flat()).toEqual(items);
    expect(pageOf(items, request('$top=0'), context({ ignoreTop: true })).items).toHaveLength(10);
  });

  it('$top=0 is no items and no next link', () => {
    expect(pageOf(items, request('$top=0'), context())).toEqual({ items: [] });
  });

  it('topEndsCollection: $top limits the whole result, paged at the server page size', () => {
    const pages = all('$top=25', context({}, { topEndsCollection: true }));
    expect(pages.map((p) => p.length)).toEqual([10, 9, 6]);
    expect(pages.flat()).toEqual(items.slice(0, 25));
    expect(all('$top=25', context({ ignoreTop: true }, { topEndsCollection: true })).flat()).toEqual(items);
    expect(pageOf(items, request('$top=0'), context({}, { topEndsCollection: true }))).toEqual({ items: [] });
  });

  it('the server page size caps $top', () => {
    expect(pageOf(items, request('$top=50'), context()).items).toHaveLength(10);
    expect(pageOf(items, request('$top=50'), context({}, { pageSize: 4 })).items).toHaveLength(4);
  });
});
