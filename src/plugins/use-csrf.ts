/**
 * CSRF prevention for browser-reachable writes. A browser may send a "simple" POST (form or text/plain
 * body) cross-site without a CORS preflight; yoga's CSRF plugin refuses those unless they carry one of the
 * given headers, which a cross-site page cannot set without a preflight. GET is left alone: yoga never
 * runs a mutation over GET (GraphQL over HTTP), and a cross-site page cannot read a GET's answer.
 */
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'graphql-preflight', 'apollo-require-preflight'];

export function useCsrfPreventionForWrites(): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: CSRF_HEADERS });
  return {
    onRequestParse(payload) {
      if (payload.request.method === 'GET') return;
      try {
        return csrf.onRequestParse?.(payload);
      } catch {
        throw createGraphQLError(`A form or text/plain POST must carry one of the headers ${CSRF_HEADERS.join(', ')}.`, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 403 } },
        });
      }
    },
  };
}
