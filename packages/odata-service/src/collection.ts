/**
 * The matching items of the operations collection: `$filter`, then `$orderby` (stable, so ties keep their
 * insertion order and pages stay deterministic). Pure; which of them one page holds is paging.ts's job,
 * shared with the connections collection.
 */
import { evaluateFilter } from './filter.js';
import { STATUS_MEMBERS, isStatusMember } from './model.js';
import type { OrderKey, QueryOptions } from './query-options.js';
import type { StoredOperation } from './store.js';

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

/** The operations matching `$filter`, in `$orderby` order; their number is what `@odata.count` reports. */
export function matchingOperations(all: readonly StoredOperation[], options: Pick<QueryOptions, 'filter' | 'orderby'>): StoredOperation[] {
  const filter = options.filter;
  const matching = filter ? all.filter((op) => evaluateFilter(filter, op)) : [...all];
  if (options.orderby.length > 0) {
    // Array.prototype.sort is stable: ties keep insertion order.
    matching.sort((a, b) => {
      for (const key of options.orderby) {
        const result = compareBy(key, a, b);
        if (result !== 0) return result;
      }
      return 0;
    });
  }
  return matching;
}
