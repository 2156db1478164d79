/**
 * One poller per (connection, operation, caller credentials), shared by all the watches of that key (see
 * hub.ts). It reads the operation with one upstream GET per poll through the gateway's upstream client (so
 * each poll takes a slot, is bounded by UPSTREAM_TIMEOUT_MS and REQUEST_DEADLINE_MS, and counts against a
 * budget of its own like a GraphQL request), delivers the first state and then each change of `status`,
 * `error` or `etag` once to every watch, and stops:
 * - after a terminal status (`completed`, `failed`): the watches complete;
 * - when the upstream has no such operation (404, NOT_FOUND) or refuses (any failure that is not transient):
 *   the watches end with that typed error;
 * - after MAX_TRANSIENT_FAILURES transient failures in a row (429, 5xx, timeouts, unreachable, overload):
 *   they end with the last one; fewer are waited out with the growing interval, and a Retry-After;
 * - when its last watch leaves, or at shutdown: the read in flight is aborted (its socket closed) and the
 *   wait cancelled, so no timer and no upstream request outlive it.
 */
import { GatewayError } from '../errors.js';
import type { OperationModel } from '../odata/entity.js';
import { UpstreamError } from '../odata/errors.js';
import type { ReadResult } from '../odata/operations.js';
import { sleep } from '../odata/concurrency.js';
import { CallerDeparture, type Departure } from '../odata/departure.js';
import { grownInterval, pollDelay, type PollSettings } from './schedule.js';
import type { OperationWatch } from './watch.js';

/** Statuses after which an operation does not change any more. */
const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed']);

/** Transient failures in a row after which a watch gives up (with the growing interval: minutes). */
export const MAX_TRANSIENT_FAILURES = 10;

/** Codes of failures that may pass by themselves: the poll is tried again later. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['THROTTLED', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'OVERLOADED']);

function isTransient(error: Error): boolean {
  if (!(error instanceof GatewayError)) return false;
  if (TRANSIENT_CODES.has(error.code)) return true;
  return error.code === 'UPSTREAM_ERROR' && (error.extensions.upstreamStatus ?? 0) >= 500;
}

/** What tells one state from the next: the fields a subscriber sees change. */
function fingerprint(operation: OperationModel): string {
  return JSON.stringify([operation.status, operation.error, operation.etag]);
}

export interface PollerOptions extends PollSettings {
  /** One bounded upstream read of the operation; `departure` stops it when the poller stops. */
  read(departure: Departure): Promise<ReadResult>;
  /** Called once when the poller stops for any reason (the hub forgets it). */
  onStop(): void;
  random?: () => number;
}

export class OperationPoller {
  private readonly watches = new Set<OperationWatch>();
  private readonly departure = new CallerDeparture();
  private last: OperationModel | undefined;
  private lastFingerprint: string | undefined;
  private stopped = false;
  /** Upstream reads made (for tests and metrics). */
  polls = 0;

  constructor(private readonly options: PollerOptions) {}

  /** Starts polling; call once, after the first watch joined. */
  start(): void {
    // Nothing awaits the loop. A bug that makes it throw ends this poller's watches with the error (masked for
    // their clients like any unexpected one); left floating, the rejection would end the process.
    this.run().catch((error: unknown) => this.finish(error instanceof Error ? error : new Error(String(error))));
  }

  get subscribers(): number {
    return this.watches.size;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Adds a watch; it gets the last state at once when there is one (the poller's first read may be pending). */
  join(watch: OperationWatch): void {
    this.watches.add(watch);
    if (this.last !== undefined) watch.push(this.last);
  }

  /** Removes a watch; the last one to leave stops the poller. */
  leave(watch: OperationWatch): void {
    if (!this.watches.delete(watch) || this.watches.size > 0) return;
    this.stop();
  }

  /** Ends every watch (with `error` when given) and stops. */
  finish(error?: Error): void {
    if (this.stopped) return;
    this.stop();
    for (const watch of [...this.watches]) {
      if (error !== undefined) watch.push(error);
      watch.end();
    }
    this.watches.clear();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.departure.depart();
    this.options.onStop();
  }

  private async run(): Promise<void> {
    let interval = this.options.initialMs;
    let failures = 0;
    while (!this.stopped) {
      this.polls++;
      let result: ReadResult;
      try {
        result = await this.options.read(this.departure);
      } catch (error) {
        result = error instanceof Error ? error : new Error(String(error));
      }
      if (this.stopped) return;
      let retryAfter: number | undefined;
      if (result === null) {
        this.finish(UpstreamError.fromResponse(404, undefined, {}));
        return;
      }
      if (result instanceof Error) {
        failures++;
        if (!isTransient(result) || failures >= MAX_TRANSIENT_FAILURES) {
          // Anything but a GatewayError is a bug: it reaches the client masked, like any other.
          this.finish(result);
          return;
        }
        retryAfter = result instanceof GatewayError ? result.extensions.retryAfter : undefined;
        interval = grownInterval(interval, this.options);
      } else {
        failures = 0;
        const next = fingerprint(result);
        if (next !== this.lastFingerprint) {
          const first = this.lastFingerprint === undefined;
          this.last = result;
          this.lastFingerprint = next;
          for (const watch of this.watches) watch.push(result);
          if (!first) interval = this.options.initialMs;
        } else {
          interval = grownInterval(interval, this.options);
        }
        if (result.status !== null && TERMINAL_STATUSES.has(result.status)) {
          this.finish();
          return;
        }
      }
      await sleep(pollDelay(interval, retryAfter, this.options.random), this.departure);
    }
  }
}
