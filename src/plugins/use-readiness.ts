/**
 * `GET /ready`: 200 when the upstream answers at all (any HTTP status below 500 means it is reachable:
 * Microsoft Graph answers 401 to a request without a token), else 503. Liveness is yoga's `/health`.
 */
import type { Plugin } from 'graphql-yoga';

export function useReadiness(probe: () => Promise<number>): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/ready' || request.method !== 'GET') return;
      let ready = false;
      try {
        ready = (await probe()) < 500;
      } catch {
        ready = false;
      }
      endResponse(
        new Response(JSON.stringify({ status: ready ? 'ready' : 'upstream unreachable' }), {
          status: ready ? 200 : 503,
          headers: { 'content-type': 'application/json' },
        }),
      );
    },
  };
}
