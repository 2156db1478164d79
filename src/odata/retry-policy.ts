/**
 * When an idempotent upstream read is tried again (the loop is UpstreamClient.send). Only idempotent
 * requests get this policy; everything else is sent once. A write (PATCH or DELETE with If-Match) is retried
 * only after an answer that proves it was not applied (429, 503…): after a lost answer it may have been
 * applied, and a retry would turn that into a misleading 412 or 404.
 *
 * - 429, 502, 503, 504 and connection resets are retried, at most `retryMax` times;
 * - a `Retry-After` is honoured when it is at most `retryAfterMaxSeconds`; a longer one gives up at once,
 *   so the client hears THROTTLED with the upstream's `retryAfter` instead of a stalled request;
 * - otherwise the wait is exponential backoff with full jitter (`retryBaseMs · 2^n · random`);
 * - no wait may end past the GraphQL request's deadline.
 */

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Network failures after which a read may be tried again. Timeouts are not: the deadline is spent. */
const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

export interface RetrySettings {
  retryMax: number;
  retryAfterMaxSeconds: number;
  retryBaseMs: number;
}

/**
 * How long to wait before attempt `attempt + 1` (1-based `attempt` just failed), or undefined to give up.
 * Pure apart from `random`, so it can be tested on its own.
 */
export function retryDelay(
  failure: { status?: number; code?: string; retryAfter?: number },
  attempt: number,
  settings: RetrySettings,
  msLeft: number,
  random: () => number = Math.random,
): number | undefined {
  const retryable =
    failure.status !== undefined
      ? RETRYABLE_STATUSES.has(failure.status)
      : failure.code !== undefined && RETRYABLE_ERROR_CODES.has(failure.code);
  if (!retryable || attempt > settings.retryMax) return undefined;
  if (failure.retryAfter !== undefined && failure.retryAfter > settings.retryAfterMaxSeconds) return undefined;
  const delay =
    failure.retryAfter !== undefined
      ? failure.retryAfter * 1000
      : Math.round(random() * settings.retryBaseMs * 2 ** (attempt - 1));
  return delay < msLeft ? delay : undefined;
}
