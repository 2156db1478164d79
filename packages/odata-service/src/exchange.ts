/**
 * Transport-neutral request/response shapes. The router only sees these, which is what lets `$batch`
 * parts run through exactly the same code as top-level HTTP requests, in-process.
 */
import { errorBody, type ErrorContext, ODataError } from './errors.js';

export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'invalid'; raw: string };

export interface ServiceRequest {
  method: string;
  /** Raw path including the base path, exactly as received (or as resolved from a batch part URL). */
  rawPath: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body: RequestBody;
  /** `http://host:port` used for absolute URLs in responses (next links, Location, context). */
  origin: string;
  /** Partition of the data (bearer token with tenancy on, else ''). */
  tenant: string;
  requestId: string;
  clientRequestId?: string | undefined;
}

export interface ServiceResponse {
  status: number;
  /** Lower-case header names; content-type is added when writing unless already set. */
  headers: Record<string, string>;
  /** JSON body (serialised by the writer). */
  json?: unknown;
  /** Non-JSON body (`$metadata` XML, `$count` text) with its content-type in `headers`. */
  text?: string;
}

/** Content type Graph answers JSON with. */
export const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function errorResponse(status: number, code: string, message: string, ctx: ErrorContext, headers: Record<string, string> = {}): ServiceResponse {
  return { status, headers: { ...headers }, json: errorBody(code, message, ctx) };
}

export function odataErrorResponse(error: ODataError, ctx: ErrorContext): ServiceResponse {
  return errorResponse(error.status, error.code, error.message, ctx, { ...error.headers });
}

/** Lower-cases header names and joins repeated values, like a proxy would. */
export function normalizeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** What the request log keeps of an answer: for tests that check what a client was told and then sent. */
export interface AnswerNote {
  /** The `@odata.nextLink` the answer carried (absolute, as sent). */
  nextLink?: string;
  /** Entities in the answer's `value` array (a collection page). */
  answeredCount?: number;
}

/** Notes on `record` the nextLink and the number of entities of a collection answer. */
export function noteAnswer(record: AnswerNote, response: ServiceResponse): void {
  const json = response.json;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
  const body = json as Record<string, unknown>;
  if (typeof body['@odata.nextLink'] === 'string') record.nextLink = body['@odata.nextLink'];
  if (Array.isArray(body['value'])) record.answeredCount = body['value'].length;
}
