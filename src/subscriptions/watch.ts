/**
 * One subscriber's view of a watched operation: an async iterator of what its poller delivers (a state, or
 * the error that ends the watch), as graphql-js's `subscribe` consumes it. The queue holds only what the
 * poller sent and the transport has not taken yet: at most one state per poll, and the watch's life is
 * bounded (SUBSCRIPTION_MAX_MS), so it stays small. `return()` (the client left, or the transport closed)
 * releases everything at once: the poller loses a subscriber and the counts go down.
 */
import type { OperationModel } from '../odata/entity.js';

/**
 * What a subscriber receives: the operation's state, or the error that ends its watch (a GatewayError, sent
 * as it is; anything else is a bug and gets masked).
 */
export type WatchEvent = OperationModel | Error;

export class OperationWatch implements AsyncIterableIterator<WatchEvent> {
  private readonly queue: WatchEvent[] = [];
  private waiting: ((result: IteratorResult<WatchEvent>) => void) | undefined;
  private ended = false;
  private released = false;

  /** @param release called once, when the watch ends for any reason (leave the poller, free its places). */
  constructor(private readonly release: (watch: OperationWatch) => void) {}

  /** Delivers one event (ignored once the watch ended). */
  push(event: WatchEvent): void {
    if (this.ended) return;
    if (this.waiting !== undefined) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
    } else {
      this.queue.push(event);
    }
  }

  /** Ends the watch after what is queued has been taken (the last event may be an error). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.releaseOnce();
    if (this.waiting !== undefined && this.queue.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    const event = this.queue.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The consumer is gone: drop what is queued and end now. */
  return(): Promise<IteratorResult<WatchEvent>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<WatchEvent>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private releaseOnce(): void {
    if (this.released) return;
    this.released = true;
    this.release(this);
  }
}
