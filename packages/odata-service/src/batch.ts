/**
 * JSON `$batch` (Microsoft Graph flavour): `{"requests":[{"id","method","url","headers"?,"body"?,"dependsOn"?}]}`
 * → `{"responses":[{"id","status","headers","body"?}]}`.
 *
 * - More than {@link MAX_BATCH_REQUESTS} requests, duplicate ids, or a body that is not that shape:
 *   400 for the whole batch (Graph's behaviour).
 * - Each part runs on its own through the same in-process router, in array order, with its own status.
 *   A malformed part (no id/method/url, a URL outside the service root) gets its own 400.
 * - `dependsOn` (ids of earlier parts) is honoured the Graph way: if one of them failed (status ≥ 400)
 *   the part is not executed and answers 424.
 * - Responses come back in REVERSE order, deliberately: clients must match parts by id, not position.
 *
 * Faults for parts are all decided before anything executes, so a `drop` anywhere in the batch drops the
 * whole connection with nothing committed. `malformed` on a part: the part is not executed, the others
 * are, and the whole batch response body is then truncated JSON (so the client cannot trust any part).
 * `drop-after-commit` on a part: every part executes, then the connection is destroyed.
 * `location` on a part: the part executes, and its answer's `Location` header is the fault's.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, codeForStatus, ODataError } from './errors.js';
import { type RequestBody, type ServiceRequest, type ServiceResponse, JSON_CONTENT_TYPE, errorResponse, noteAnswer, odataErrorResponse } from './exchange.js';
import type { FaultInjector, FaultKind } from './faults.js';
import { parseQueryString, queryRecord } from './query-options.js';
import type { RecordedRequest } from './service.js';

export const MAX_BATCH_REQUESTS = 20;

/** One batch part as recorded by the service: a RecordedRequest with `batchPart` set. */
export type BatchPartRecord = RecordedRequest & { batchPart: NonNullable<RecordedRequest['batchPart']> };

export interface BatchContext {
  route: (req: ServiceRequest) => ServiceResponse;
  faults: FaultInjector;
  basePath: string;
  /** Ordinal of this `$batch` request among those recorded since the last clear. */
  batchIndex: number;
  record: (part: BatchPartRecord) => void;
  sleep: (ms: number) => Promise<void>;
}

export interface BatchResponsePart {
  id: string | null;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export type BatchOutcome =
  | { kind: 'response'; response: ServiceResponse }
  /** Destroy the connection without answering (`commit` tells whether parts were executed first). */
  | { kind: 'drop'; committed: boolean }
  | { kind: 'malformed' };

interface ParsedPart {
  index: number;
  id: string | null;
  /** Set when the part itself is malformed: it answers 400 with this message. */
  problem?: string;
  method: string;
  url: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: RequestBody;
  dependsOn: string[];
  fault?: FaultKind | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Resolves a part URL against the service root without normalising it (no `new URL()`, which would
 * resolve `%2E%2E`): relative (`/connections/x`, `connections/x`) or absolute under the root.
 */
export function resolvePartUrl(url: string, basePath: string, origin: string): { rawPath: string; rawQuery: string } {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  if (/[\s\u0000-\u001f\u007f]/.test(withoutFragment)) throw badRequest(`The url '${url}' contains unescaped whitespace or control characters.`);
  let pathAndQuery: string;
  const absolute = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?]*)(.*)$/.exec(withoutFragment);
  if (absolute) {
    const [, scheme = '', host = '', rest = ''] = absolute;
    const expected = origin.toLowerCase();
    if (`${scheme}://${host}`.toLowerCase() !== expected) throw badRequest(`The url '${url}' is not under the service root ${origin}${basePath}.`);
    const rawPathOnly = rest.split('?', 1)[0] ?? '';
    if (rawPathOnly !== basePath && !rawPathOnly.startsWith(`${basePath}/`)) {
      throw badRequest(`The url '${url}' is not under the service root ${origin}${basePath}.`);
    }
    pathAndQuery = rest;
  } else if (withoutFragment.startsWith('//') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(withoutFragment)) {
    throw badRequest(`The url '${url}' must be relative to the service root or an absolute http(s) URL under it.`);
  } else {
    pathAndQuery = withoutFragment.startsWith('/') ? `${basePath}${withoutFragment}` : `${basePath}/${withoutFragment}`;
  }
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? { rawPath: pathAndQuery, rawQuery: '' } : { rawPath: pathAndQuery.slice(0, q), rawQuery: pathAndQuery.slice(q + 1) };
}

function parsePart(value: unknown, index: number, basePath: string, origin: string): ParsedPart {
  const part: ParsedPart = { index, id: null, method: '', url: '', rawPath: '', rawQuery: '', headers: {}, body: { kind: 'none' }, dependsOn: [] };
  const fail = (problem: string): ParsedPart => ({ ...part, problem });
  if (!isObject(value)) return fail(`Batch request ${index} must be a JSON object.`);
  const { id, method, url, headers, body, dependsOn } = value;
  if (typeof id === 'string' && id !== '') part.id = id;
  if (typeof method === 'string') part.method = method.toUpperCase();
  if (typeof url === 'string') part.url = url;
  if (isObject(headers)) {
    for (const [name, headerValue] of Object.entries(headers)) if (typeof headerValue === 'string') part.headers[name.toLowerCase()] = headerValue;
  }
  if (body !== undefined) part.body = { kind: 'json', value: body };
  if (part.id === null) return fail(`Batch request ${index} needs a non-empty string 'id'.`);
  if (!/^[A-Z]+$/.test(part.method)) return fail(`Batch request '${part.id}' needs a 'method' such as GET, POST, PATCH or DELETE.`);
  if (part.url === '') return fail(`Batch request '${part.id}' needs a 'url' relative to the service root.`);
  if (headers !== undefined && (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string'))) {
    return fail(`Batch request '${part.id}': 'headers' must be an object of string values.`);
  }
  if (dependsOn !== undefined) {
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) return fail(`Batch request '${part.id}': 'dependsOn' must be an array of ids.`);
    part.dependsOn = dependsOn as string[];
  }
  try {
    Object.assign(part, resolvePartUrl(part.url, basePath, origin));
  } catch (error) {
    if (error instanceof ODataError) return fail(error.message);
    throw error;
  }
  return part;
}

function partResponse(id: string | null, response: ServiceResponse): BatchResponsePart {
  const headers = { ...response.headers };
  const part: BatchResponsePart = { id, status: response.status, headers };
  if (response.json !== undefined) {
    headers['content-type'] ??= JSON_CONTENT_TYPE;
    part.body = response.json;
  } else if (response.text !== undefined) {
    part.body = response.text;
  }
  return part;
}

/** Runs a `$batch` request whose top-level checks (faults, auth) already passed. */
export async function executeBatch(outer: ServiceRequest, ctx: BatchContext): Promise<BatchOutcome> {
  const whole = (error: ODataError): BatchOutcome => ({ kind: 'response', response: odataErrorResponse(error, outer) });
  const contentType = outer.headers['content-type'];
  if (contentType !== undefined && !/json/i.test(contentType)) {
    return whole(new ODataError(415, 'UnsupportedMediaType', `Content-Type '${contentType}' is not supported for $batch; send application/json.`));
  }
  if (outer.body.kind !== 'json') return whole(badRequest('The $batch body must be JSON: {"requests":[{"id","method","url"}]}.'));
  const body = outer.body.value;
  if (!isObject(body) || !Array.isArray(body['requests'])) {
    return whole(badRequest('The $batch body must be a JSON object with a "requests" array: {"requests":[{"id","method","url"}]}.'));
  }
  const requests: unknown[] = body['requests'];
  if (requests.length > MAX_BATCH_REQUESTS) {
    return whole(badRequest(`The $batch request contains ${requests.length} requests; the limit is ${MAX_BATCH_REQUESTS}.`));
  }
  const parts = requests.map((value, index) => parsePart(value, index, ctx.basePath, outer.origin));
  const seen = new Set<string>();
  for (const part of parts) {
    if (part.id === null) continue;
    if (seen.has(part.id)) return whole(badRequest(`The $batch request contains the id '${part.id}' more than once; ids must be unique.`));
    seen.add(part.id);
  }

  const records = new Map<ParsedPart, BatchPartRecord>();
  for (const part of parts) {
    const record: BatchPartRecord = {
      method: part.method,
      url: part.rawQuery ? `${part.rawPath}?${part.rawQuery}` : part.rawPath,
      path: part.rawPath,
      query: safeQueryRecord(part.rawQuery),
      headers: { ...part.headers },
      body: part.body.kind === 'json' ? part.body.value : undefined,
      batchPart: { batchIndex: ctx.batchIndex, id: part.id ?? '', partIndex: part.index, url: part.url },
    };
    records.set(part, record);
    ctx.record(record);
  }

  // Decide every part's fault first: a dropped batch must not have committed anything.
  for (const part of parts) {
    if (part.problem !== undefined) continue;
    const path = part.rawPath.slice(ctx.basePath.length) || '/';
    part.fault = ctx.faults.take({ method: part.method, path, batchPart: true });
  }
  if (parts.some((part) => part.fault?.type === 'drop')) return { kind: 'drop', committed: false };

  const results = new Map<string, number>();
  const responses: BatchResponsePart[] = [];
  let malformed = false;
  let dropAfterCommit = false;
  for (const part of parts) {
    const requestId = randomUUID();
    const clientRequestId = part.headers['client-request-id'] ?? outer.clientRequestId;
    const errorCtx = { requestId, clientRequestId };
    let response: ServiceResponse;
    const failedDependency = part.dependsOn.find((dep) => (results.get(dep) ?? 0) >= 400);
    const unknownDependency = part.dependsOn.find((dep) => !results.has(dep));
    if (part.problem !== undefined) {
      response = errorResponse(400, 'BadRequest', part.problem, errorCtx);
    } else if (unknownDependency !== undefined) {
      response = errorResponse(400, 'BadRequest', `Batch request '${part.id}' depends on '${unknownDependency}', which is not an earlier request of this batch.`, errorCtx);
    } else if (failedDependency !== undefined) {
      response = errorResponse(424, 'FailedDependency', `Batch request '${part.id}' was not executed because '${failedDependency}' failed.`, errorCtx);
    } else {
      const fault = part.fault;
      if (fault?.type === 'latency') await ctx.sleep(fault.ms);
      if (fault?.type === 'status') {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
        response = errorResponse(fault.status, codeForStatus(fault.status), `Injected fault: status ${fault.status}.`, errorCtx, headers);
      } else if (fault?.type === 'malformed') {
        malformed = true;
        response = { status: 200, headers: {} };
      } else {
        if (fault?.type === 'drop-after-commit') dropAfterCommit = true;
        response = ctx.route({
          method: part.method,
          rawPath: part.rawPath,
          rawQuery: part.rawQuery,
          headers: part.headers,
          body: part.body,
          origin: outer.origin,
          tenant: outer.tenant,
          requestId,
          clientRequestId,
        });
        if (fault?.type === 'location') response = { ...response, headers: { ...response.headers, location: fault.location } };
      }
    }
    if (part.id !== null) results.set(part.id, response.status);
    noteAnswer(records.get(part)!, response);
    responses.push(partResponse(part.id, response));
  }

  if (dropAfterCommit) return { kind: 'drop', committed: true };
  if (malformed) return { kind: 'malformed' };
  return { kind: 'response', response: { status: 200, headers: {}, json: { responses: responses.reverse() } } };
}

function safeQueryRecord(rawQuery: string): Record<string, string> {
  try {
    return queryRecord(parseQueryString(rawQuery));
  } catch {
    return {};
  }
}
