/**
 * HTTP-level guards, before the body is read: a POST must declare its size (Content-Length, so nothing
 * unbounded is ever buffered), stay under `maxBodyBytes`, and be JSON (or a form POST, which the CSRF
 * guard then vets). Each refusal is a typed GraphQL error with the fitting HTTP status.
 */
import type { Plugin } from 'graphql-yoga';
import { httpErrorResponse } from './http-error.js';

const ACCEPTED_POST_TYPES = ['application/json', 'application/graphql-response+json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

export function useRequestGuards(maxBodyBytes: number): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'POST' || url.pathname !== '/graphql') return;
      const length = request.headers.get('content-length');
      const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (length === null) {
        endResponse(httpErrorResponse(411, 'A POST body needs a Content-Length header.'));
      } else if (!/^\d+$/.test(length) || Number(length) > maxBodyBytes) {
        endResponse(httpErrorResponse(413, `The request body is larger than ${maxBodyBytes} bytes.`));
      } else if (!ACCEPTED_POST_TYPES.includes(type)) {
        endResponse(httpErrorResponse(415, 'Send the GraphQL request as application/json.'));
      }
    },
  };
}
