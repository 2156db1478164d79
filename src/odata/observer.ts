/**
 * What the upstream layer tells an observer about its work: each attempt (one HTTP exchange, retries
 * included), each retry and throttled answer, each `$batch` post and its parts, writes left without an answer,
 * and how much the per-request loaders saved. Metrics (src/metrics/) and tracing (src/tracing/: a span per
 * attempt, `attemptStarted` returning the span as its token) implement it, together through
 * {@link combineObservers}.
 *
 * The default is {@link NO_OBSERVER}: every call is an empty method on one shared object, and the client
 * passes only values it already has, so an unobserved gateway allocates nothing for it on the hot path.
 * An observer must not throw, and must not keep anything of a request past the call (no caller data).
 */
import type { HttpMethod, UpstreamRequest } from './client.js';

/** What an upstream request is for: a read by key, a collection page, a `$batch` post, or a write. */
export type UpstreamKind = 'get' | 'list' | 'batch' | 'write';

/** Which per-request loader a key was asked of. */
export type LoaderName = 'operation' | 'connection' | 'operationPage' | 'schema';

export interface UpstreamObserver<Token = unknown> {
  /**
   * An attempt is about to take its slot and be sent. `attempt` counts from 1. `headers` are the headers this
   * attempt sends (tracing adds its `traceparent` there). Returns a token for {@link attemptEnded}.
   */
  attemptStarted(request: UpstreamRequest, kind: UpstreamKind, attempt: number, headers: Record<string, string>): Token;
  /**
   * The attempt is over: `status` is the HTTP status of its answer, or undefined when none came (timeout,
   * connection refused or reset, slot not granted, answer cut off or unreadable).
   */
  attemptEnded(token: Token, request: UpstreamRequest, kind: UpstreamKind, status: number | undefined): void;
  /** Something will be sent again after a wait: a whole request, or `parts` parts of a `$batch` (then kind is `batch`). */
  retried(kind: UpstreamKind, parts: number): void;
  /**
   * An answer throttled the gateway (429, or 503 with Retry-After), of a whole request or of a `$batch` part,
   * with its Retry-After in seconds when it gave one.
   */
  throttled(retryAfterSeconds: number | undefined): void;
  /** A `$batch` post of `parts` parts is about to be sent (each attempt of it). */
  batchSent(parts: number): void;
  /** One `$batch` part was answered with `status`. */
  batchPartAnswered(status: number): void;
  /** A write was sent and got no answer: its outcome is unknown (`outcomeUnknown`). */
  writeOutcomeUnknown(method: HttpMethod): void;
  /** `count` keys were asked of a per-request loader (before its deduplication). */
  loaderAsked(loader: LoaderName, count: number): void;
  /** `count` distinct reads were sent upstream for a loader's batch (after its deduplication). */
  loaderFetched(loader: LoaderName, count: number): void;
}

const nothing = (): undefined => undefined;

/** The observer of an unobserved gateway: does nothing, allocates nothing. */
export const NO_OBSERVER: UpstreamObserver<undefined> = {
  attemptStarted: nothing,
  attemptEnded: nothing,
  retried: nothing,
  throttled: nothing,
  batchSent: nothing,
  batchPartAnswered: nothing,
  writeOutcomeUnknown: nothing,
  loaderAsked: nothing,
  loaderFetched: nothing,
};

/** Several observers as one (metrics and tracing together); one observer is returned as it is. */
export function combineObservers(observers: ReadonlyArray<UpstreamObserver<any>>): UpstreamObserver<unknown> {
  const active = observers.filter((o) => o !== NO_OBSERVER);
  if (active.length === 0) return NO_OBSERVER;
  if (active.length === 1) return active[0]!;
  return {
    attemptStarted: (request, kind, attempt, headers) => active.map((o) => o.attemptStarted(request, kind, attempt, headers)),
    attemptEnded: (tokens, request, kind, status) => active.forEach((o, i) => o.attemptEnded((tokens as unknown[])[i], request, kind, status)),
    retried: (kind, parts) => active.forEach((o) => o.retried(kind, parts)),
    throttled: (seconds) => active.forEach((o) => o.throttled(seconds)),
    batchSent: (parts) => active.forEach((o) => o.batchSent(parts)),
    batchPartAnswered: (status) => active.forEach((o) => o.batchPartAnswered(status)),
    writeOutcomeUnknown: (method) => active.forEach((o) => o.writeOutcomeUnknown(method)),
    loaderAsked: (loader, count) => active.forEach((o) => o.loaderAsked(loader, count)),
    loaderFetched: (loader, count) => active.forEach((o) => o.loaderFetched(loader, count)),
  };
}
