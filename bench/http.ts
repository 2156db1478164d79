/** One-off HTTP calls of the bench (probes and sequential timing), over undici like the gateway itself. */
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { isRecord } from './guards.js';

export interface JsonResponse {
  status: number;
  body: unknown;
  /** Wall time of the exchange, body included, in ms. */
  ms: number;
}

export const GRAPHQL_HEADERS = { 'content-type': 'application/json', accept: 'application/json' } as const;

export function graphqlBody(query: string): string {
  return JSON.stringify({ query });
}

async function exchange(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }): Promise<JsonResponse> {
  const started = performance.now();
  const response = await request(url, { method: init.method, headers: init.headers, body: init.body });
  const text = await response.body.text();
  const ms = performance.now() - started;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.statusCode, body, ms };
}

/** POST /graphql with a JSON body. */
export function postGraphQL(gatewayUrl: string, query: string): Promise<JsonResponse> {
  return exchange(`${gatewayUrl}/graphql`, { method: 'POST', headers: { ...GRAPHQL_HEADERS }, body: graphqlBody(query) });
}

export function getJson(url: string): Promise<JsonResponse> {
  return exchange(url, { method: 'GET', headers: { accept: 'application/json' } });
}

export interface PageResponse {
  status: number;
  contentType: string;
  /** Bytes of the whole body, as sent (no Accept-Encoding is sent, so uncompressed unless the server insists). */
  bytes: number;
  ms: number;
}

/** GET `url` with `accept`, reading the whole body (e.g. the GraphiQL page: GET /graphql, Accept: text/html). */
export async function getPage(url: string, accept: string): Promise<PageResponse> {
  const started = performance.now();
  const response = await request(url, { method: 'GET', headers: { accept } });
  const bytes = (await response.body.arrayBuffer()).byteLength;
  const contentType = response.headers['content-type'];
  return { status: response.statusCode, contentType: typeof contentType === 'string' ? contentType : '', bytes, ms: performance.now() - started };
}

/** `data` of a GraphQL response when it has no errors, else a one-line description of what went wrong. */
export function graphqlData(response: JsonResponse): { ok: true; data: Record<string, unknown> } | { ok: false; problem: string } {
  if (!isRecord(response.body)) return { ok: false, problem: `HTTP ${response.status}, body is not a JSON object` };
  const { data, errors } = response.body;
  if (Array.isArray(errors) && errors.length > 0) {
    const first: unknown = errors[0];
    const message = isRecord(first) && typeof first.message === 'string' ? first.message : 'unknown';
    return { ok: false, problem: `${errors.length} GraphQL error(s), first: ${message}` };
  }
  if (!isRecord(data)) return { ok: false, problem: `HTTP ${response.status}, no data` };
  return { ok: true, data };
}
