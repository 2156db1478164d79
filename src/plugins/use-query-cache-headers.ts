/**
 * Cache headers for GraphQL over GET (persisted-query links send hashed queries as GET so that they can be
 * cached). Answers carry the caller's data, read with the caller's forwarded credentials, so no shared cache
 * may keep them: a successful query answer is `private, no-cache` (a browser may keep it but must revalidate)
 * and varies by Authorization; an answer with errors is `no-store`. POST answers are not cacheable anyway
 * and are left alone.
 */
import type { Plugin } from 'graphql-yoga';

type ProcessedResult = Parameters<NonNullable<Plugin['onResultProcess']>>[0]['result'];

function hasErrors(result: ProcessedResult): boolean {
  if (Array.isArray(result)) return result.some((r) => r.errors !== undefined && r.errors.length > 0);
  // A stream (subscriptions over SSE) is never cached.
  if (Symbol.asyncIterator in result) return true;
  return result.errors !== undefined && result.errors.length > 0;
}

export function useQueryCacheHeaders(): Plugin {
  const outcomes = new WeakMap<Request, boolean>();
  return {
    onResultProcess({ request, result }) {
      if (request.method === 'GET') outcomes.set(request, hasErrors(result));
    },
    onResponse({ request, response }) {
      if (request.method !== 'GET') return;
      const failed = outcomes.get(request);
      if (failed === undefined) return;
      response.headers.set('cache-control', failed ? 'no-store' : 'private, no-cache');
      response.headers.append('vary', 'Authorization');
    },
  };
}
