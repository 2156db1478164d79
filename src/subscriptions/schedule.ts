/**
 * When a watched operation is polled next: pure, so the policy can be tested on its own. Graph's guidance is
 * not to poll hard (a schema registration takes 5 to 15 minutes), so the interval starts at
 * SUBSCRIPTION_POLL_MS and grows by half after every poll that saw no change (and after every transient
 * failure), up to SUBSCRIPTION_POLL_MAX_MS; a change brings it back to the start, since a moving operation
 * is likely to move again. Each wait is jittered downwards (up to a fifth), so that the pollers started
 * together (a deployment, many operations created at once) spread out instead of hitting the upstream in
 * step, and a wait never exceeds the configured cap. A throttled answer's Retry-After is a floor.
 */

export interface PollSettings {
  /** First interval, in ms (SUBSCRIPTION_POLL_MS). */
  initialMs: number;
  /** Longest interval, in ms (SUBSCRIPTION_POLL_MAX_MS). */
  maxMs: number;
}

/** Growth of the interval after a poll that saw no change. */
const GROWTH = 1.5;
/** Share of the interval the jitter may take off. */
const JITTER = 0.2;

/** The interval after one more poll without a change (or one more transient failure). */
export function grownInterval(intervalMs: number, settings: PollSettings): number {
  return Math.min(settings.maxMs, Math.ceil(intervalMs * GROWTH));
}

/**
 * The wait before the next poll: the interval less up to a fifth of jitter, and never less than the
 * upstream's Retry-After (seconds) when it sent one.
 */
export function pollDelay(intervalMs: number, retryAfterSeconds: number | undefined, random: () => number = Math.random): number {
  const jittered = Math.round(intervalMs * (1 - JITTER * random()));
  return retryAfterSeconds === undefined ? jittered : Math.max(jittered, retryAfterSeconds * 1000);
}
