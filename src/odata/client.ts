/**
 * The one place the gateway talks HTTP to the upstream: one undici Pool (keep-alive connections to the
 * upstream's origin, created once per gateway: every request, paging links included, goes to that origin,
 * so an Agent's per-origin lookup would cost every call for nothing) behind the gateway's own slots
 * (slots.ts), so that every wait is bounded.
 *
 * Each attempt is bounded as a whole (slot wait, connect, headers and the complete body) by
 * `min(timeoutMs, deadline - now)` with one timer that aborts it (exchange.ts): undici's own header and body
 * timeouts are idle timers, reset by every chunk, so an upstream sending one byte a second would never hit
 * them. A caller's departure (its client went away) aborts its reads at once, which also closes their sockets.
 * Writes do not listen to it: a write already sent is let finish within its bounds, and its outcome is
 * reported to `events` (see UpstreamEvents) rather than cut into an unknown state.
 *
 * Idempotent requests are retried by the policy of retry-policy.ts; the loop is here rather than in undici's
 * retry interceptor because each attempt must take a slot and be bounded on its own.
 */
import { Pool } from './undici-pool.js';
import type { CallBudget } from './call-budget.js';
import type { Departure } from './departure.js';
import { sleep } from './concurrency.js';
import { INCLUDE_UNKNOWN_ENUM_MEMBERS } from './enums.js';
import { UpstreamError, isThrottling, parseRetryAfter } from './errors.js';
import { exchange, ExchangeFailure, type ExchangeAnswer } from './exchange.js';
import { RETRYABLE_STATUSES, retryDelay, type RetrySettings } from './retry-policy.js';
import { NO_OBSERVER, type UpstreamKind, type UpstreamObserver } from './observer.js';
import { UpstreamSlots } from './slots.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path and query relative to the service root (`connections/x/operations?$select=id`), or an absolute
   * URL already checked to lie under it (paging links). */
  target: string;
  /** The upstream path family it belongs to (e.g. one connection's operations): no lane takes the whole pool. */
  lane: string;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** May the request be sent again after a failure? Only for requests that cannot apply twice. */
  idempotent: boolean;
  /** Does it change upstream state? A lost answer to a write leaves its outcome unknown. */
  write: boolean;
  /** Epoch ms: the GraphQL request's deadline. No attempt or retry wait lasts past it. */
  deadline: number;
  /** The caller's departure: its reads stop at once (writes finish, see the file comment). */
  departure?: Departure;
  /** The GraphQL request's upstream budget (requests and response bytes). */
  budget?: CallBudget;
  /** What it is for (metrics, traces). Default: `write` for a write, else `get`. */
  kind?: UpstreamKind;
}

export interface UpstreamResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON body; undefined for an empty body. */
  body: unknown;
}

/** What the client tells its owner about writes whose result no caller may hear (for logs and metrics). */
export interface WriteOutcome {
  method: HttpMethod;
  /** `unknown`: sent, then no answer; `answered`: an answer came after the caller had left. */
  outcome: 'unknown' | 'answered';
  status?: number;
  clientRequestId?: string;
}

export interface UpstreamClientOptions extends RetrySettings {
  /** Service root, without trailing slash. */
  serviceRoot: string;
  /** Bound of one attempt as a whole, in ms. */
  timeoutMs: number;
  /** Connections (and so calls in flight) per origin. */
  connections: number;
  /** Calls allowed to wait for a connection; past it OVERLOADED. Default 1024. */
  queueMax?: number;
  /** Largest response body read, in bytes. Default 16 MiB. */
  maxResponseBytes?: number;
  onWriteOutcome?(outcome: WriteOutcome): void;
  /** Hears of every attempt, retry, throttling and lost write (metrics, traces). Default: none. */
  observer?: UpstreamObserver;
}

/** Network error codes that prove the request never reached the upstream. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The first `code` (a Node or undici error code) along an error's `cause` chain. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name in headers) {
    const value = headers[name];
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** An attempt that got no usable answer, with what is needed to decide on a retry. */
class AttemptFailure extends Error {
  constructor(
    readonly mapped: UpstreamError | Error,
    readonly code: string | undefined,
  ) {
    super(mapped.message);
  }
}

export class UpstreamClient {
  readonly serviceRoot: string;
  readonly origin: string;
  private readonly rootPath: string;
  private readonly pool: Pool;
  readonly slots: UpstreamSlots;
  private readonly maxResponseBytes: number;
  /** The observer of this client's work; BatchedGets and the APIs report theirs to it too. */
  readonly observer: UpstreamObserver;

  constructor(private readonly options: UpstreamClientOptions) {
    this.observer = options.observer ?? NO_OBSERVER;
    const root = new URL(options.serviceRoot);
    this.origin = root.origin;
    this.rootPath = root.pathname.replace(/\/+$/, '');
    // Spelled as URL parsing spells it (lower-case scheme and host, no default port), so that links built on
    // it compare equal to the same links read back from the upstream (url.ts collectionLink).
    this.serviceRoot = this.origin + this.rootPath;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.pool = new Pool(this.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      // undici's own idle timers are off: every attempt has one hard timer over all of it (exchange.ts), and
      // undici's (a "fast timer" per request, kept in a list for at least half a second after it is cleared)
      // were objects that outlived two young-generation collections on every request, promoted only to die.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: { timeout: Math.min(options.timeoutMs, 10_000) },
    });
    this.slots = new UpstreamSlots({ capacity: options.connections, queueMax: options.queueMax ?? 1024 });
  }

  /**
   * The path (with query) to send for a target: relative targets go under the root path; an absolute one (a
   * paging link, checked by url.ts collectionLink) is sent as it is after its origin, unaltered.
   */
  private pathFor(target: string): string {
    if (/^https?:\/\//i.test(target)) {
      if (!target.startsWith(`${this.origin}/`)) throw new Error('paging link outside the upstream origin');
      return target.slice(this.origin.length);
    }
    return `${this.rootPath}/${target.charCodeAt(0) === 47 ? target.slice(1) : target}`;
  }

  /**
   * Sends one request, retrying an idempotent one by the retry policy. Resolves with any HTTP status;
   * rejects only with a GatewayError (an UpstreamError, or BAD_USER_INPUT when the budget is spent).
   */
  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept: 'application/json', prefer: INCLUDE_UNKNOWN_ENUM_MEMBERS, ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const path = this.pathFor(request.target);
    // A read stops when its caller leaves; a write goes on within its bounds (see the file comment).
    const departure = request.write ? undefined : request.departure;
    const kind = request.kind ?? (request.write ? 'write' : 'get');
    const observer = this.observer;
    for (let attempt = 1; ; attempt++) {
      let response: UpstreamResponse;
      try {
        response = await this.attempt(request, kind, attempt, path, headers, body, departure);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        // After a lost answer, a write may have been applied: it is never repeated (retry-policy.ts).
        const delay =
          request.idempotent && !request.write && departure?.gone !== true
            ? retryDelay({ code: error.code }, attempt, this.options, request.deadline - Date.now())
            : undefined;
        if (delay === undefined) throw this.reportLostWrite(request, error.mapped);
        observer.retried(kind, 1);
        await sleep(delay, departure);
        continue;
      }
      const retryAfter = RETRYABLE_STATUSES.has(response.status) ? parseRetryAfter(response.headers['retry-after']) : undefined;
      if (isThrottling(response.status, retryAfter)) observer.throttled(retryAfter);
      if (request.idempotent && RETRYABLE_STATUSES.has(response.status) && departure?.gone !== true) {
        const delay = retryDelay(
          { status: response.status, retryAfter },
          attempt,
          this.options,
          request.deadline - Date.now(),
        );
        if (delay !== undefined) {
          observer.retried(kind, 1);
          await sleep(delay, departure);
          continue;
        }
      }
      if (request.write && request.departure?.gone === true) {
        this.options.onWriteOutcome?.({ method: request.method, outcome: 'answered', status: response.status, clientRequestId: request.headers?.['client-request-id'] });
      }
      return response;
    }
  }

  /** A write that got no answer: its outcome is unknown, and if its caller has left, only a log can say so. */
  private reportLostWrite(request: UpstreamRequest, error: Error): Error {
    if (request.write && error instanceof UpstreamError && error.extensions.outcomeUnknown) {
      this.observer.writeOutcomeUnknown(request.method);
      this.options.onWriteOutcome?.({ method: request.method, outcome: 'unknown', clientRequestId: request.headers?.['client-request-id'] });
    }
    return error;
  }

  /** One attempt: a slot, then the exchange, all within one hard bound. */
  private async attempt(
    request: UpstreamRequest,
    kind: UpstreamKind,
    attemptNumber: number,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    departure: Departure | undefined,
  ): Promise<UpstreamResponse> {
    const bound = Math.min(this.options.timeoutMs, request.deadline - Date.now());
    if (bound <= 0 || departure?.gone === true) throw new AttemptFailure(UpstreamError.noAnswer('timeout', false), undefined);
    const endsAt = Date.now() + bound;
    request.budget?.spendRequest();
    // The attempt's time, its wait for a slot included, goes to the request's log line (CallBudget.upstreamMs).
    const started = performance.now();
    try {
      const observer = this.observer;
      const token = observer.attemptStarted(request, kind, attemptNumber, headers);
      let release;
      try {
        release = await this.slots.acquire(request.lane, endsAt, departure);
      } catch (error) {
        observer.attemptEnded(token, request, kind, undefined);
        // Never sent: no unknown outcome, and no retry (overload, deadline, caller gone).
        if (error instanceof UpstreamError) throw error;
        throw UpstreamError.noAnswer('timeout', false);
      }
      let answer: ExchangeAnswer;
      try {
        answer = await exchange(
          this.pool,
          { origin: this.origin, path, method: request.method, headers, body },
          Math.max(1, endsAt - Date.now()),
          this.maxResponseBytes,
          request.budget,
          departure,
        );
      } catch (error) {
        observer.attemptEnded(token, request, kind, undefined);
        const failure = error instanceof ExchangeFailure ? error : new ExchangeFailure(error, undefined);
        const code = failure.cut === undefined ? errorCode(failure.error) : undefined;
        const noAnswer = failure.cut !== undefined || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : 'unavailable';
        const sent = !(code !== undefined && NOT_SENT_CODES.has(code));
        throw new AttemptFailure(UpstreamError.noAnswer(noAnswer, request.write && sent), code);
      } finally {
        release();
      }
      observer.attemptEnded(token, request, kind, answer.status);
      const responseHeaders = flattenHeaders(answer.headers);
      const text = answer.text;
      if (text === undefined) {
        // Past the budget's limit, or the client's own maximum.
        throw answer.limit < this.maxResponseBytes ? request.budget!.bytesExceeded() : UpstreamError.malformed(answer.status, responseHeaders['request-id']);
      }
      request.budget?.spendBytes(text.length);
      return { status: answer.status, headers: responseHeaders, body: this.parseJson(text, answer.status, responseHeaders) };
    } finally {
      request.budget?.spendTime(performance.now() - started);
    }
  }

  private parseJson(text: string, status: number, headers: Record<string, string | undefined>): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      // An error status with a non-JSON body is still that error; a success without JSON is broken.
      if (status >= 400) return undefined;
      throw UpstreamError.malformed(status, headers['request-id']);
    }
  }

  /** The status of `GET {root}/` (readiness), without retries or slots; rejects when there is no answer. */
  async probe(timeoutMs: number): Promise<number> {
    const response = await this.pool.request({
      origin: this.origin,
      path: `${this.rootPath}/`,
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    return response.statusCode;
  }

  async close(): Promise<void> {
    if (!this.pool.destroyed) await this.pool.close();
  }

  /** Drops open sockets at once (shutdown after the grace period). */
  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}
