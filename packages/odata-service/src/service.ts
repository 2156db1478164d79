/**
 * `createODataService()`: the embedded OData v4 service, a small but faithful stand-in for Microsoft
 * Graph's external-connection operations API, on plain `node:http`.
 *
 * Pipeline of one HTTP request (each step in its own module):
 *   record → fault decision (faults.ts) → latency → fault applied → tenancy (401) → `$batch` (batch.ts)
 *   or router (router.ts) → write.
 * The control endpoint (`{basePath}/$test/...`, off by default) bypasses all of it and is not recorded.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeBatch } from './batch.js';
import { codeForStatus, ODataError, segmentNotFound } from './errors.js';
import { type RequestBody, type ServiceRequest, type ServiceResponse, JSON_CONTENT_TYPE, errorResponse, normalizeHeaders, noteAnswer, odataErrorResponse } from './exchange.js';
import { FaultInjector, type FaultRule, faultRuleFromJson } from './faults.js';
import {
  DEFAULT_LIFECYCLE,
  DEFAULT_OPERATION_DELAY_MS,
  OPERATIONS_APIS,
  type LifecycleOptions,
  type LifecycleSwitches,
  type OperationsApi,
  createOperationRunner,
  validateOperationDelay,
  withLifecycle,
} from './lifecycle.js';
import { API_VERSIONS, type ApiVersion } from './model.js';
import { DEFAULT_PAGING, type PagingOptions, type PagingSwitches, withPaging } from './paging.js';
import { baseSegments, segmentsUnderBase } from './paths.js';
import { parseQueryString, queryRecord } from './query-options.js';
import { createRouter, type ServiceQuirks } from './router.js';
import { type ODataStore, createStore } from './store.js';

export type { FaultKind, FaultRule } from './faults.js';
export type { ServiceQuirks } from './router.js';
export type { ApiVersion } from './model.js';
export type { PagingOptions, SkipHandling } from './paging.js';
export type { ConnectionDeletion, LifecycleOptions, OperationsApi, SchemaRegistration } from './lifecycle.js';
export { DEFAULT_OPERATION_DELAY_MS } from './lifecycle.js';
export { MAX_BATCH_REQUESTS } from './batch.js';

export interface ODataServiceOptions {
  /**
   * Which Microsoft Graph to imitate. `'beta'` (default): the 2019-2020 pages, `error` as errorDetail, both
   * path families. `'v1.0'`: Graph v1.0 as its CSDL is today: `error` stored, rendered and validated as
   * publicError, the v1.0 `$metadata` (metadata-v1.ts), and only the `external/connections` path family.
   */
  apiVersion?: ApiVersion;
  /** Path prefix of the service root. Default `'/beta'`, or `'/v1.0'` in the v1.0 mode; `''` serves at the server root. */
  basePath?: string;
  /** Server-driven page size: the most items a collection page holds (`$top` may ask for fewer). Default 100. */
  pageSize?: number;
  /**
   * How collections page (paging.ts), like Microsoft Graph by default: `$skip` refused (`skip: 'refuse'`),
   * uneven page sizes (`unevenPages: true`), an empty page with a next link now and then (`emptyPages: true`),
   * `$top` honoured as a page size (`ignoreTop: false`). Changeable at run time with `setPaging`.
   */
  paging?: PagingOptions;
  /** Load the sample data (sample-data.ts). Default false: tests start empty unless they ask. */
  seed?: boolean;
  /**
   * Partition data by the bearer token of the `Authorization` header. Default false. When on, a request
   * without a bearer token is a 401, and (with `seed`) each new tenant is seeded on first sight.
   */
  tenancy?: boolean;
  /** Expose the HTTP control endpoint at `${basePath}/$test/...`. Default false. */
  controlEndpoint?: boolean;
  /** Default true; when false `$batch` answers 404 (to test a client's fallback). */
  supportsBatch?: boolean;
  /** Deviations from Graph's response shapes, to test a client's tolerance. Default none. */
  quirks?: ServiceQuirks;
  /** Called with unexpected internal errors (which answer 500). Default: `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * Most requests kept in `requests` (the oldest go first; 0 keeps none). Default: all of them, for tests
   * that count what a gateway sent. A long-running service (the gateway's `npm start`) sets a bound, or its
   * log would grow with every request it ever served.
   */
  requestLogMax?: number;
  /**
   * Which operations API to serve. `'graph'`: Microsoft Graph today, where an operation is only read by id
   * (`GET {cs}/{cid}/operations/{id}`); listing it (the collection, `$count`) is a 400 and creating, updating,
   * deleting operations and `$ref` are 405s, since Graph creates operations itself (schema registration,
   * connection deletion). `'seed'`: the 2019-2020 beta pages' API (list, create, update, delete, `$ref`).
   * Default `'graph'` in the v1.0 mode and `'seed'` in the beta mode.
   */
  operationsApi?: OperationsApi;
  /**
   * How long the operations Graph starts itself (schema registration, connection deletion) stay `inprogress`
   * before they settle, in milliseconds: 0 settles them before the next request is handled; `Infinity` only
   * when `settleOperations()` is called. Default {@link DEFAULT_OPERATION_DELAY_MS} (3000). Changeable at run
   * time with `setOperationDelay` (for operations started afterwards).
   */
  operationDelayMs?: number;
  /**
   * How schema registration and connection deletion answer (lifecycle.ts): by default both with 202 + the
   * `Location` of an operation; `schemaRegistration: 'ok' | 'created'` registers at once (200/201 with the
   * schema), `connectionDeletion: 'accepted' | 'noContent'` answers 202 without a Location or 204 (gone at
   * once). Changeable at run time with `setLifecycle`.
   */
  lifecycle?: LifecycleOptions;
}

export interface RecordedRequest {
  method: string;
  /** Path + query as received, e.g. '/beta/connections/c1/operations?$select=id' (for batch parts: resolved against the root). */
  url: string;
  /** The raw path without query, exactly as received (not decoded). */
  path: string;
  /** Decoded query options. */
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, undefined when empty, the raw string when not JSON. */
  body: unknown;
  /** The `@odata.nextLink` this request was answered with (absolute, as sent), when it had one. */
  nextLink?: string;
  /** Entities in the `value` of its answer, when it was a collection page. */
  answeredCount?: number;
  /**
   * Set on records of `$batch` parts. `batchIndex`: ordinal of the `$batch` request (0-based, since the
   * last clear) so parts can be grouped by batch; `id`: the part's id; `partIndex`: its position in the
   * batch; `url`: the part URL as written by the client.
   */
  batchPart?: { batchIndex: number; id: string; partIndex: number; url: string };
}

export interface ODataService {
  /** Service root after listen(), e.g. 'http://127.0.0.1:43123/beta' (no trailing slash). Throws before listen(). */
  readonly url: string;
  /** Default port 0 (a free one) and host '127.0.0.1'; resolves to `url`. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Closes the server and all sockets; pending latency timers and the operations' timers are cleared (pending
   * operations then settle only when a request comes or `settleOperations()` is called).
   */
  close(): Promise<void>;
  /** The request handler, so the service can be mounted on another server. */
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  store: ODataStore;
  faults: {
    add(rule: FaultRule): void;
    /** Add latency to every top-level response until reset (0 to stop). */
    latency(ms: number): void;
    reset(): void;
  };
  /** Every HTTP request received AND every `$batch` part (with batchPart set), in arrival order. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /**
   * Back to the state right after creation: data (re-seeded when `seed`), faults, requests, page size, paging
   * switches, operation delay and lifecycle switches; pending operations are forgotten and their timers cleared.
   */
  reset(): void;
  setPageSize(n: number): void;
  /** Changes the named paging switches (the others keep their current value); a TypeError for unknown names or values. */
  setPaging(partial: PagingOptions): void;
  /** The delay of operations started from now on (ms, `Infinity` allowed); a TypeError when negative or not a number. */
  setOperationDelay(ms: number): void;
  /** Changes the named lifecycle switches (the others keep their value); a TypeError for unknown names or values. */
  setLifecycle(partial: LifecycleOptions): void;
  /** Settles every pending operation now (registrations complete or fail, deletions delete); how many there were. */
  settleOperations(): number;
}

const DEFAULT_BASE_PATH = '/beta';
const DEFAULT_PAGE_SIZE = 100;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Truncated JSON used by the `malformed` fault. */
const MALFORMED_BODY = '{"@odata.context":"$metadata#connections","value":[{"id":"';

function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed !== '' && !/^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/.test(trimmed)) {
    throw new TypeError(`basePath must be '' or a path like '/beta' (segments of unreserved characters), received ${JSON.stringify(basePath)}.`);
  }
  return trimmed;
}

function validateApiVersion(value: ApiVersion): ApiVersion {
  if (!API_VERSIONS.includes(value)) throw new TypeError(`apiVersion must be one of ${API_VERSIONS.join(', ')}, received ${JSON.stringify(value)}.`);
  return value;
}

function validateOperationsApi(value: OperationsApi): OperationsApi {
  if (!OPERATIONS_APIS.includes(value)) throw new TypeError(`operationsApi must be one of ${OPERATIONS_APIS.join(', ')}, received ${JSON.stringify(value)}.`);
  return value;
}

function validatePageSize(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new TypeError(`pageSize must be a positive integer, received ${String(n)}.`);
  return n;
}

/** The client closed the connection before its request was complete: nothing to answer, nothing to log. */
class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

type ReadBody = { tooLarge: true } | { tooLarge: false; text: string };

function readBody(req: http.IncomingMessage): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { tooLarge: true } : { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
    // A client that goes away mid-body emits neither 'end' nor always 'error'; settle the promise anyway.
    req.on('close', () => {
      if (!req.complete) reject(new ClientGoneError());
    });
  });
}

function parseBody(text: string): RequestBody {
  if (text.trim() === '') return { kind: 'none' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid', raw: text };
  }
}

function recordedBody(body: RequestBody): unknown {
  return body.kind === 'json' ? body.value : body.kind === 'invalid' ? body.raw : undefined;
}

function safeQueryRecord(rawQuery: string): Record<string, string> {
  try {
    return queryRecord(parseQueryString(rawQuery));
  } catch {
    return {};
  }
}

/** Bearer token, or undefined when there is none. */
function bearerToken(headers: Readonly<Record<string, string>>): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(headers['authorization'] ?? '');
  return match?.[1]?.trim();
}

export function createODataService(options: ODataServiceOptions = {}): ODataService {
  const apiVersion = validateApiVersion(options.apiVersion ?? 'beta');
  const basePath = normalizeBasePath(options.basePath ?? (apiVersion === 'v1.0' ? '/v1.0' : DEFAULT_BASE_PATH));
  const base = baseSegments(basePath);
  const initialPageSize = validatePageSize(options.pageSize ?? DEFAULT_PAGE_SIZE);
  const initialPaging = withPaging(DEFAULT_PAGING, options.paging ?? {});
  const seed = options.seed ?? false;
  const tenancy = options.tenancy ?? false;
  const controlEndpoint = options.controlEndpoint ?? false;
  const supportsBatch = options.supportsBatch ?? true;
  const onError = options.onError ?? ((error: unknown) => console.error('[odata-upstream] unexpected error', error));
  const operationsApi = validateOperationsApi(options.operationsApi ?? (apiVersion === 'v1.0' ? 'graph' : 'seed'));
  const initialOperationDelay = validateOperationDelay(options.operationDelayMs ?? DEFAULT_OPERATION_DELAY_MS);
  const initialLifecycle = withLifecycle(DEFAULT_LIFECYCLE, options.lifecycle ?? {});

  const store = createStore(apiVersion);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const requestLogMax = options.requestLogMax ?? Number.POSITIVE_INFINITY;
  const remember = (record: RecordedRequest) => {
    if (requestLogMax <= 0) return;
    requests.push(record);
    if (requests.length > requestLogMax) requests.shift();
  };
  const seenTenants = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let pageSize = initialPageSize;
  let paging: Readonly<PagingSwitches> = initialPaging;
  let lifecycle: Readonly<LifecycleSwitches> = initialLifecycle;
  let batchCounter = 0;
  let server: http.Server | undefined;
  let serviceUrl: string | undefined;

  const operations = createOperationRunner({ store, apiVersion, delayMs: initialOperationDelay, onError });
  const route = createRouter({
    store,
    base,
    basePath,
    pageSize: () => pageSize,
    paging: () => paging,
    quirks: options.quirks,
    apiVersion,
    operationsApi,
    operations,
    lifecycle: () => lifecycle,
  });

  function seedInitial(): void {
    if (!seed) return;
    store.seedSampleData('');
    seenTenants.add('');
  }
  seedInitial();

  /** With tenancy and seed, a tenant gets the sample data on first sight, unless a test already put data there. */
  function ensureTenant(tenant: string): void {
    if (seenTenants.has(tenant)) return;
    seenTenants.add(tenant);
    if (seed && store.listConnections(tenant).length === 0) store.seedSampleData(tenant);
  }

  function sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timer.unref(); // never keeps the process alive; close() also clears it
      timers.add(timer);
    });
  }

  /** `http://host:port` for absolute URLs: the Host the client used, so next links point where it already talks. */
  function originOf(req: http.IncomingMessage): string {
    const host = req.headers.host;
    if (host && /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/.test(host)) return `http://${host}`;
    return serviceUrl ? serviceUrl.slice(0, serviceUrl.length - basePath.length) : 'http://localhost';
  }

  function pathAfterBase(rawPath: string): string {
    if (rawPath === basePath) return '/';
    if (basePath === '' || rawPath.startsWith(`${basePath}/`)) return rawPath.slice(basePath.length);
    return rawPath;
  }

  function write(res: http.ServerResponse, response: ServiceResponse, requestId: string, clientRequestId: string | undefined): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { 'request-id': requestId, 'odata-version': '4.0' };
    if (clientRequestId !== undefined) headers['client-request-id'] = clientRequestId;
    Object.assign(headers, response.headers);
    let payload: string | undefined;
    if (response.json !== undefined) {
      payload = JSON.stringify(response.json);
      headers['content-type'] ??= JSON_CONTENT_TYPE;
    } else if (response.text !== undefined) {
      payload = response.text;
    }
    // An empty answer (202 Accepted of a registration or deletion) says so, as Graph does, instead of going out
    // chunked; a 204 has no body by definition and takes no Content-Length.
    if (payload === undefined && response.status !== 204 && response.status !== 304) headers['content-length'] = '0';
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  function writeMalformed(res: http.ServerResponse, requestId: string, clientRequestId: string | undefined): void {
    write(res, { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, text: MALFORMED_BODY }, requestId, clientRequestId);
  }

  function clearRequests(): void {
    requests.length = 0; // keep the array identity: tests may hold a reference
    batchCounter = 0;
  }

  function reset(): void {
    operations.clear();
    operations.delayMs = initialOperationDelay;
    lifecycle = initialLifecycle;
    store.clear();
    seenTenants.clear();
    faults.reset();
    clearRequests();
    pageSize = initialPageSize;
    paging = initialPaging;
    seedInitial();
  }

  function handleControl(method: string, what: string | undefined, body: RequestBody): ServiceResponse {
    const jsonBody = body.kind === 'json' ? body.value : undefined;
    const numberField = (key: string): number | undefined => {
      const value = typeof jsonBody === 'object' && jsonBody !== null ? (jsonBody as Record<string, unknown>)[key] : undefined;
      return typeof value === 'number' ? value : undefined;
    };
    const routes: Record<string, Partial<Record<string, () => ServiceResponse>>> = {
      faults: {
        POST: () => {
          faults.add(faultRuleFromJson(jsonBody));
          return { status: 204, headers: {} };
        },
        DELETE: () => {
          faults.reset();
          return { status: 204, headers: {} };
        },
      },
      latency: {
        POST: () => {
          const ms = numberField('ms');
          if (ms === undefined || ms < 0) throw new ODataError(400, 'BadRequest', 'Send {"ms": <non-negative number>}.');
          faults.latency(ms);
          return { status: 204, headers: {} };
        },
      },
      reset: {
        POST: () => {
          reset();
          return { status: 204, headers: {} };
        },
      },
      requests: {
        GET: () => ({ status: 200, headers: {}, json: { value: requests } }),
        DELETE: () => {
          clearRequests();
          return { status: 204, headers: {} };
        },
      },
      pageSize: {
        POST: () => {
          const n = numberField('pageSize');
          if (n === undefined || !Number.isSafeInteger(n) || n < 1) throw new ODataError(400, 'BadRequest', 'Send {"pageSize": <positive integer>}.');
          pageSize = n;
          return { status: 204, headers: {} };
        },
      },
      operationDelay: {
        GET: () => ({ status: 200, headers: {}, json: { ms: Number.isFinite(operations.delayMs) ? operations.delayMs : 'Infinity' } }),
        POST: () => {
          const value = typeof jsonBody === 'object' && jsonBody !== null ? (jsonBody as Record<string, unknown>)['ms'] : undefined;
          const ms = value === 'Infinity' ? Number.POSITIVE_INFINITY : value;
          if (typeof ms !== 'number' || !(ms >= 0)) throw new ODataError(400, 'BadRequest', 'Send {"ms": <non-negative number>} or {"ms": "Infinity"}.');
          operations.delayMs = ms;
          return { status: 204, headers: {} };
        },
      },
      settleOperations: {
        POST: () => ({ status: 200, headers: {}, json: { settled: operations.settleAll() } }),
      },
      lifecycle: {
        GET: () => ({ status: 200, headers: {}, json: lifecycle }),
        POST: () => {
          try {
            lifecycle = withLifecycle(lifecycle, jsonBody);
          } catch (error) {
            throw new ODataError(400, 'BadRequest', `${error instanceof Error ? error.message : String(error)}`);
          }
          return { status: 204, headers: {} };
        },
      },
      paging: {
        GET: () => ({ status: 200, headers: {}, json: paging }),
        POST: () => {
          try {
            paging = withPaging(paging, jsonBody);
          } catch (error) {
            throw new ODataError(400, 'BadRequest', `${error instanceof Error ? error.message : String(error)} Send a JSON object like {"skip":"ignore","unevenPages":false}.`);
          }
          return { status: 204, headers: {} };
        },
      },
    };
    const methods = what !== undefined ? routes[what] : undefined;
    if (!methods) throw segmentNotFound(`$test/${what ?? ''}`);
    const action = methods[method];
    if (!action) {
      const allow = Object.keys(methods).join(', ');
      throw new ODataError(405, 'MethodNotAllowed', `The method '${method}' is not allowed here; allowed: ${allow}.`, { allow });
    }
    return action();
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = (req.url ?? '/').split('#', 1)[0] ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = normalizeHeaders(req.headers);
    const requestId = randomUUID();
    const clientRequestId = headers['client-request-id'];
    const errorCtx = { requestId, clientRequestId };
    const segments = segmentsUnderBase(rawPath, base);

    if (controlEndpoint && segments?.[0] === '$test') {
      const read = await readBody(req);
      let response: ServiceResponse;
      try {
        response = handleControl(method, segments.length === 2 ? segments[1] : undefined, read.tooLarge ? { kind: 'none' } : parseBody(read.text));
      } catch (error) {
        if (!(error instanceof ODataError)) throw error;
        response = odataErrorResponse(error, errorCtx);
      }
      write(res, response, requestId, clientRequestId);
      return;
    }

    const record: RecordedRequest = { method, url: rawUrl, path: rawPath, query: safeQueryRecord(rawQuery), headers, body: undefined };
    remember(record); // at arrival, so the log is in arrival order; the body is filled in below
    const read = await readBody(req);
    const body = read.tooLarge ? ({ kind: 'none' } as const) : parseBody(read.text);
    record.body = read.tooLarge ? undefined : recordedBody(body);
    if (read.tooLarge) {
      write(res, errorResponse(413, 'RequestEntityTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes.`, errorCtx, { connection: 'close' }), requestId, clientRequestId);
      return;
    }

    const fault = faults.take({ method, path: pathAfterBase(rawPath), batchPart: false });
    await sleep(faults.latencyMs + (fault?.type === 'latency' ? fault.ms : 0));
    if (fault?.type === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'status') {
      const extra: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      write(res, errorResponse(fault.status, codeForStatus(fault.status), `Injected fault: status ${fault.status}.`, errorCtx, extra), requestId, clientRequestId);
      return;
    }
    if (fault?.type === 'malformed') {
      writeMalformed(res, requestId, clientRequestId);
      return;
    }

    let tenant = '';
    if (tenancy) {
      const token = bearerToken(headers);
      if (token === undefined) {
        write(
          res,
          errorResponse(401, 'InvalidAuthenticationToken', 'Access token is empty.', errorCtx, { 'www-authenticate': 'Bearer' }),
          requestId,
          clientRequestId,
        );
        return;
      }
      tenant = token;
    }
    ensureTenant(tenant);

    const serviceRequest: ServiceRequest = { method, rawPath, rawQuery, headers, body, origin: originOf(req), tenant, requestId, clientRequestId };
    const isBatch = segments?.length === 1 && segments[0] === '$batch';
    let response: ServiceResponse;
    if (isBatch && !supportsBatch) {
      response = odataErrorResponse(segmentNotFound('$batch'), errorCtx);
    } else if (isBatch && method === 'POST') {
      const outcome = await executeBatch(serviceRequest, {
        route,
        faults,
        basePath,
        batchIndex: batchCounter++,
        record: remember,
        sleep,
      });
      if (outcome.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (outcome.kind === 'malformed') {
        writeMalformed(res, requestId, clientRequestId);
        return;
      }
      response = outcome.response;
    } else {
      response = route(serviceRequest);
    }

    if (fault?.type === 'drop-after-commit') {
      req.socket.destroy(); // the write happened; the client never learns it
      return;
    }
    if (fault?.type === 'location') response = { ...response, headers: { ...response.headers, location: fault.location } };
    noteAnswer(record, response);
    write(res, response, requestId, clientRequestId);
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      // A vanished client (aborted upload, reset socket) is not a service bug: nothing to log or answer.
      if (error instanceof ClientGoneError || req.socket.destroyed) return;
      onError(error);
      if (!res.headersSent && !res.destroyed) {
        const requestId = randomUUID();
        write(res, errorResponse(500, 'InternalServerError', 'An unexpected error occurred.', { requestId }), requestId, undefined);
      }
    });
  };

  const service: ODataService = {
    get url(): string {
      if (serviceUrl === undefined) throw new Error('The OData service is not listening yet; await listen() first.');
      return serviceUrl;
    },
    listen(port = 0, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('The OData service is already listening; close() it first.'));
      const created = http.createServer(handler);
      server = created;
      return new Promise<string>((resolve, reject) => {
        const failed = (error: Error) => {
          server = undefined;
          reject(error);
        };
        created.once('error', failed);
        created.listen(port, host, () => {
          // Errors after listening (a failed accept, EMFILE) are reported and the service goes on serving; with
          // no listener one would end the process (`npm start` runs this service in the gateway's process).
          created.off('error', failed);
          created.on('error', onError);
          const address = created.address() as AddressInfo;
          const hostPart = host.includes(':') ? `[${host}]` : host;
          serviceUrl = `http://${hostPart}:${address.port}${basePath}`;
          resolve(serviceUrl);
        });
      });
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      operations.clearTimers();
      const closing = server;
      server = undefined;
      serviceUrl = undefined;
      if (!closing) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        closing.close((error) => (error ? reject(error) : resolve()));
        closing.closeAllConnections();
      });
    },
    handler,
    store,
    faults: {
      add: (rule) => faults.add(rule),
      latency: (ms) => faults.latency(ms),
      reset: () => faults.reset(),
    },
    requests,
    clearRequests,
    reset,
    setPageSize(n) {
      pageSize = validatePageSize(n);
    },
    setPaging(partial) {
      paging = withPaging(paging, partial);
    },
    setOperationDelay(ms) {
      operations.delayMs = ms;
    },
    setLifecycle(partial) {
      lifecycle = withLifecycle(lifecycle, partial);
    },
    settleOperations() {
      return operations.settleAll();
    },
  };
  return service;
}
