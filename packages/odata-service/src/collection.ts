/**
 * Applies validated query options to a collection of operations: filter, order, `$skip`, then one
 * server-driven page. Pure, so paging arithmetic is testable without HTTP.
 *
 * `$top` follows Microsoft Graph, not the letter of OData: it SETS THE PAGE SIZE ("Use the $top query
 * parameter to specify the page size of the result set"), capped at the server page size, and a next
 * link continues through the rest of the collection. With `topEndsCollection` (a quirk tests switch on) it
 * follows standard OData instead: `$top` limits the whole result, still paged at the server page size.
 *
 * Paging is offset-based after `$skip`: the `$skiptoken` of the next link is the offset where the next
 * page starts, and the next link keeps `$top`/`$skip`/`$filter`/`$orderby`, so following links to the
 * end yields every matching item once (given no concurrent writes).
 */
import { evaluateFilter } from './filter.js';
import { STATUS_MEMBERS, isStatusMember } from './model.js';
import type { OrderKey, QueryOptions } from './query-options.js';
import type { StoredOperation } from './store.js';

export interface CollectionPage {
  items: StoredOperation[];
  /** Number of items matching `$filter`, ignoring `$top`/`$skip` (what `@odata.count` reports). */
  count: number;
  /** Offset (after `$skip`) of the next page; undefined when this is the last page. */
  nextOffset?: number;
}

/**
 * OData orders enum values by their underlying number. `null` sorts before everything; members the
 * model does not declare (an evolved upstream) sort after the declared ones, by name.
 */
function statusRank(status: string | null): [number, string] {
  if (status === null) return [-1, ''];
  if (isStatusMember(status)) return [STATUS_MEMBERS[status], ''];
  return [Number.MAX_SAFE_INTEGER, status];
}

function compareStrings(a: string, b: string): number {
  // Ordinal (UTF-16 code unit) comparison, like OData services comparing Edm.String keys.
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBy(key: OrderKey, a: StoredOperation, b: StoredOperation): number {
  let result: number;
  if (key.property === 'id') {
    result = compareStrings(a.id, b.id);
  } else {
    const [ra, na] = statusRank(a.status);
    const [rb, nb] = statusRank(b.status);
    result = ra - rb || compareStrings(na, nb);
  }
  return key.descending ? -result : result;
}

export function queryOperations(all: readonly StoredOperation[], options: QueryOptions, pageSize: number, topEndsCollection = false): CollectionPage {
  const filter = options.filter;
  const matching = filter ? all.filter((op) => evaluateFilter(filter, op)) : [...all];
  if (options.orderby.length > 0) {
    // Array.prototype.sort is stable: ties keep insertion order, so pages stay deterministic.
    matching.sort((a, b) => {
      for (const key of options.orderby) {
        const result = compareBy(key, a, b);
        if (result !== 0) return result;
      }
      return 0;
    });
  }
  const afterSkip = matching.slice(options.skip ?? 0);
  const rest = topEndsCollection && options.top !== undefined ? afterSkip.slice(0, options.top) : afterSkip;
  const size = topEndsCollection ? pageSize : Math.min(options.top ?? pageSize, pageSize);
  const start = options.skiptoken ?? 0;
  const end = start + size;
  const page: CollectionPage = { items: rest.slice(start, end), count: matching.length };
  // `$top=0` asks for no items at all: never a next link (it would not advance).
  if (size > 0 && end < rest.length) page.nextOffset = end;
  return page;
}
