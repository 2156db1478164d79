/**
 * Automatic persisted queries (the protocol of Apollo's persisted-queries link), over POST and GET, by
 * graphql-yoga's APQ plugin: a request may carry only `extensions.persistedQuery.sha256Hash`; an unknown hash
 * answers PERSISTED_QUERY_NOT_FOUND, and the client's retry with the query (whose hash the plugin checks)
 * stores it. The store here is bounded in entries and in bytes (the plugin's default bounds entries only,
 * and entries can be as large as MAX_BODY_BYTES), least recently used first out.
 */
import { useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import type { Plugin } from 'graphql-yoga';

export interface PersistedQueryStoreLimits {
  /** Queries kept. */
  maxEntries: number;
  /** Total UTF-16 code units of the queries kept (about bytes for ASCII documents). */
  maxChars: number;
}

export const defaultPersistedQueryLimits: PersistedQueryStoreLimits = { maxEntries: 5000, maxChars: 16 * 1024 * 1024 };

/** An LRU map of hash → query text within `limits`; a query larger than the whole store is not kept. */
/** An APQ store answering at once (a Map), so the direct path reads it without a promise. */
export interface PersistedQueryStore extends APQStore {
  get(hash: string): string | null;
  set(hash: string, query: string): void;
  readonly size: number;
  readonly chars: number;
}

export function createBoundedQueryStore(limits: PersistedQueryStoreLimits): PersistedQueryStore {
  const queries = new Map<string, string>();
  let chars = 0;
  const remove = (hash: string) => {
    const query = queries.get(hash);
    if (query === undefined) return;
    queries.delete(hash);
    chars -= query.length + hash.length;
  };
  return {
    get(hash) {
      const query = queries.get(hash);
      if (query === undefined) return null;
      // Most recently used last: Map iteration order is insertion order.
      queries.delete(hash);
      queries.set(hash, query);
      return query;
    },
    set(hash, query) {
      remove(hash);
      const size = query.length + hash.length;
      if (size > limits.maxChars) return;
      for (const oldest of queries.keys()) {
        if (queries.size < limits.maxEntries && chars + size <= limits.maxChars) break;
        remove(oldest);
      }
      queries.set(hash, query);
      chars += size;
    },
    get size() {
      return queries.size;
    },
    get chars() {
      return chars;
    },
  };
}

/** The plugin over `store`, which the direct path (src/http/direct-execution.ts) reads too. */
export function usePersistedQueries(store: PersistedQueryStore = createBoundedQueryStore(defaultPersistedQueryLimits)): Plugin {
  return useAPQ({ store });
}
