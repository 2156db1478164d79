/**
 * Server-driven paging the way Microsoft Graph does it, for every collection the service pages
 * (operations and externalConnections), so that a client written against this service also works against
 * Graph, which is stricter than the OData standard:
 *
 *  - a later page is reached only through the whole `@odata.nextLink`; its `$skiptoken` is opaque and
 *    bound to its query (skiptoken.ts), so a made-up or reused token is a 400;
 *  - `$skip` is refused with a 400 (many Graph collections), or by a switch ignored: the first page again
 *    (the Graph collections that ignore it);
 *  - `$top` is a page size, not a limit ("Use the $top query parameter to specify the page size"), capped
 *    at the server page size, and the next link continues through the rest; by a switch it is ignored
 *    (Graph may send its own page size); the `topEndsCollection` quirk makes it a limit instead, as in
 *    standard OData;
 *  - pages are uneven by default (page k holds `max(1, cap − k mod 3)` items), so a client cannot take a
 *    short page for the end, or count pages to find a position;
 *  - by default every 4th page (index 3, 7, 11, …) is empty while a next link follows, as Graph's guide
 *    warns; never two empty pages in a row (the index after 3 mod 4 is 0 mod 4), and never at the end:
 *    the last page always holds items (a collection with no matching items at all is one empty page with
 *    no next link).
 *
 * The page arithmetic is pure ({@link pageCap}, {@link pageSizeAt}, {@link pageWindow}); {@link pageOf} ties
 * it to the query options and the token codec for the router.
 */
import { badRequest } from './errors.js';
import type { QueryEntry } from './query-options.js';
import { type PagePosition, type SkipTokenCodec, queryBinding } from './skiptoken.js';

export type { PagePosition } from './skiptoken.js';

/** What a collection does with `$skip`: Graph collections either refuse it (400) or ignore it. */
export type SkipHandling = 'refuse' | 'ignore';

/** The paging switches (ODataServiceOptions.paging, `setPaging`, `POST {root}/$test/paging`). */
export interface PagingOptions {
  /** `'refuse'` (default): `$skip` on a collection is a 400. `'ignore'`: served as if it were absent. */
  skip?: SkipHandling;
  /** Default true: page k holds `max(1, cap − k mod 3)` items. False: every page but the last holds `cap`. */
  unevenPages?: boolean;
  /** Default true: every 4th page (index 3, 7, …) is empty, with a next link at the same offset. */
  emptyPages?: boolean;
  /** Default false. True: `$top` is ignored, pages have the server's page size (Graph may do this). */
  ignoreTop?: boolean;
}

export type PagingSwitches = Required<PagingOptions>;

export const DEFAULT_PAGING: Readonly<PagingSwitches> = Object.freeze({ skip: 'refuse', unevenPages: true, emptyPages: true, ignoreTop: false });

const SKIP_HANDLINGS: readonly SkipHandling[] = ['refuse', 'ignore'];
const FLAGS = ['unevenPages', 'emptyPages', 'ignoreTop'] as const;

/**
 * `current` with the switches of `partial` changed. `partial` comes from TypeScript callers and from JSON
 * (the control endpoint), so it is checked here: an unknown name or a wrong value is a TypeError, so that a
 * typo in a test fails at once instead of silently paging the default way.
 */
export function withPaging(current: Readonly<PagingSwitches>, partial: unknown): PagingSwitches {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new TypeError('Paging options must be an object, e.g. {"skip":"ignore","unevenPages":false}.');
  }
  const next: PagingSwitches = { ...current };
  for (const [name, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (name === 'skip') {
      const skip = SKIP_HANDLINGS.find((handling) => handling === value);
      if (skip === undefined) throw new TypeError(`Paging option skip must be ${SKIP_HANDLINGS.map((h) => `'${h}'`).join(' or ')}, received ${JSON.stringify(value)}.`);
      next.skip = skip;
    } else {
      const flag = FLAGS.find((f) => f === name);
      if (flag === undefined) throw new TypeError(`Unknown paging option '${name}'; known are skip, ${FLAGS.join(', ')}.`);
      if (typeof value !== 'boolean') throw new TypeError(`Paging option ${flag} must be true or false, received ${JSON.stringify(value)}.`);
      next[flag] = value;
    }
  }
  return next;
}

/**
 * Most items one page may hold: the server page size, and `$top` when it is sent and not ignored (Graph's
 * semantics: a page size). 0 only for `$top=0`: no items and no next link.
 */
export function pageCap(serverPageSize: number, top: number | undefined): number {
  return top !== undefined ? Math.min(top, serverPageSize) : serverPageSize;
}

/** Whether the page at this index is one of the empty ones (when empty pages are on). */
export function isEmptyPageIndex(page: number): boolean {
  return page % 4 === 3;
}

/** Items on the page at this index (before the collection's end cuts it): the cap, or less on uneven pages. */
export function pageSizeAt(cap: number, page: number, uneven: boolean): number {
  // At least 1: a non-empty page must make progress, or a client could follow next links forever.
  return uneven ? Math.max(1, cap - (page % 3)) : cap;
}

export interface PageWindow {
  /** The page is `items.slice(start, end)`. */
  start: number;
  end: number;
  /** Where the next page starts; absent on the last page. */
  next?: PagePosition;
}

/** The page at `at` of a collection of `total` items. */
export function pageWindow(total: number, at: PagePosition, cap: number, switches: Pick<PagingSwitches, 'unevenPages' | 'emptyPages'>): PageWindow {
  const start = Math.min(at.offset, total);
  // Nothing left (or `$top=0`): an empty last page. Never an empty page with a next link at the end.
  if (cap === 0 || start >= total) return { start, end: start };
  if (switches.emptyPages && isEmptyPageIndex(at.page)) return { start, end: start, next: { offset: start, page: at.page + 1 } };
  const end = Math.min(total, start + pageSizeAt(cap, at.page, switches.unevenPages));
  return end < total ? { start, end, next: { offset: end, page: at.page + 1 } } : { start, end };
}

/** How the service pages right now (its switches can change at run time). */
export interface PagingContext {
  switches: Readonly<PagingSwitches>;
  /** Server page size (ODataServiceOptions.pageSize). */
  pageSize: number;
  /** The `topEndsCollection` quirk: `$top` limits the whole result (standard OData). */
  topEndsCollection: boolean;
  tokens: SkipTokenCodec;
}

/** One request for a page of a collection. */
export interface PageRequest {
  /** Identifies the collection for token binding, e.g. `['operations', family, connectionId]`. */
  collection: readonly string[];
  /** The request's query entries (the binding takes the decoded bound options from them). */
  entries: readonly QueryEntry[];
  top?: number;
  skip?: number;
  /** The `$skiptoken` as received (decoded), undefined on a first page. */
  skiptoken?: string;
}

export interface Page<T> {
  items: T[];
  /** The `$skiptoken` of the next page's link; absent on the last page. */
  nextSkipToken?: string;
}

const SKIP_REFUSED =
  "Query option 'Skip' is not allowed on this collection. It pages with @odata.nextLink only: request the first page without $skip and follow each page's @odata.nextLink as received.";
const TOKEN_REFUSED =
  'The $skiptoken is not valid for this request: it was altered, or it belongs to another query or collection. Send each @odata.nextLink whole, as received, and do not change its query options.';

/** One page of `matching` (the collection's items after filter and order), or a 400 for `$skip` or a bad token. */
export function pageOf<T>(matching: readonly T[], request: PageRequest, context: PagingContext): Page<T> {
  const { switches } = context;
  if (request.skip !== undefined && switches.skip === 'refuse') throw badRequest(SKIP_REFUSED);
  const binding = queryBinding(request.collection, request.entries);
  let position: PagePosition = { offset: 0, page: 0 };
  if (request.skiptoken !== undefined) {
    const decoded = context.tokens.decode(request.skiptoken, binding);
    if (decoded === undefined) throw badRequest(TOKEN_REFUSED);
    position = decoded;
  }
  const top = switches.ignoreTop ? undefined : request.top;
  const limited = context.topEndsCollection && top !== undefined ? matching.slice(0, top) : matching;
  // Under topEndsCollection `$top` is a limit, not a page size, but capping pages by it as well changes
  // nothing: the limited collection holds at most `$top` items, and a first page is a full one.
  const cap = pageCap(context.pageSize, top);
  const window = pageWindow(limited.length, position, cap, switches);
  const page: Page<T> = { items: limited.slice(window.start, window.end) };
  if (window.next) page.nextSkipToken = context.tokens.encode(binding, window.next);
  return page;
}
