/**
 * HTTP-level guards, before the body is read: a POST must declare its size (Content-Length, so nothing
 * unbounded is ever buffered), stay under `maxBodyBytes`, and be JSON (or a form POST, which the CSRF
 * guard then vets). Each refusal is a typed GraphQL error with the fitting HTTP status.
 * The rule is {@link postRefusal}; the request handler (src/http/request-handler.ts) asks it too and leaves every
 * request it refuses to yoga, so a refusal is always this plugin's.
 */
import type { Plugin } from 'graphql-yoga';
import { httpErrorResponse } from './http-error.js';

const ACCEPTED_POST_TYPES = ['application/json', 'application/graphql-response+json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

export interface PostRefusal {
  status: 411 | 413 | 415;
  message: string;
}

/** Why a POST to the GraphQL endpoint with these headers is refused, or undefined when it is not. */
export function postRefusal(contentLength: string | null | undefined, contentType: string | null | undefined, maxBodyBytes: number): PostRefusal | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentLength === null || contentLength === undefined) return { status: 411, message: 'A POST body needs a Content-Length header.' };
  if (!/^\d+$/.test(contentLength) || Number(contentLength) > maxBodyBytes) {
    return { status: 413, message: `The request body is larger than ${maxBodyBytes} bytes.` };
  }
  if (!ACCEPTED_POST_TYPES.includes(type)) return { status: 415, message: 'Send the GraphQL request as application/json.' };
  return undefined;
}

export function useRequestGuards(maxBodyBytes: number): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'POST' || url.pathname !== '/graphql') return;
      const refusal = postRefusal(request.headers.get('content-length'), request.headers.get('content-type'), maxBodyBytes);
      if (refusal !== undefined) endResponse(httpErrorResponse(refusal.status, refusal.message));
    },
  };
}
