/**
 * Upstream connection slots: the gateway's own gate in front of undici's pool, so that no call ever waits
 * inside undici, where a queued request cannot be cancelled or timed out (its AbortSignal is only looked at
 * once a socket is free).
 *
 * - `capacity` calls in flight at most (the pool's size), so undici never queues;
 * - each lane (an upstream path family, such as one connection's operations) holds at most `laneCap` of them:
 *   a slow path, answering byte by byte, cannot take the whole pool, and a healthy read on another lane
 *   always finds room;
 * - at most `queueMax` calls wait, in arrival order (skipping those whose lane is full); past that a call
 *   fails at once with OVERLOADED instead of adding to a backlog;
 * - a wait ends with the caller's deadline (UPSTREAM_TIMEOUT) or its cancellation.
 */
import { CALLER_GONE, type Departure } from './departure.js';
import { UpstreamError } from './errors.js';

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  lane: string;
  /** performance.now() when it joined the line. */
  since: number;
  grant(release: Release): void;
}

export interface SlotSettings {
  capacity: number;
  /** Slots one lane may hold. Default: all but a quarter of the capacity (at least 1). */
  laneCap?: number;
  /** Calls allowed to wait for a slot. */
  queueMax: number;
}

/** Seconds a caller refused for overload is told to wait. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

export class UpstreamSlots {
  readonly capacity: number;
  readonly laneCap: number;
  readonly queueMax: number;
  private inFlight = 0;
  private readonly lanes = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(settings: SlotSettings) {
    this.capacity = settings.capacity;
    this.laneCap = settings.laneCap ?? Math.max(1, settings.capacity - Math.floor(settings.capacity / 4));
    this.queueMax = settings.queueMax;
  }

  /** Calls holding a slot now. */
  get active(): number {
    return this.inFlight;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** How long the longest waiting call has waited, in ms (0 when none waits): how far behind the upstream is. */
  oldestWaitMs(now?: number): number {
    // Asked before every GraphQL request is admitted: the clock is read only when someone waits. The line is
    // in arrival order: its head has waited longest.
    return this.waiting.length === 0 ? 0 : (now ?? performance.now()) - this.waiting[0]!.since;
  }

  private hasRoom(lane: string): boolean {
    return this.inFlight < this.capacity && (this.lanes.get(lane) ?? 0) < this.laneCap;
  }

  private take(lane: string): Release {
    this.inFlight++;
    this.lanes.set(lane, (this.lanes.get(lane) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      const left = this.lanes.get(lane)! - 1;
      if (left === 0) this.lanes.delete(lane);
      else this.lanes.set(lane, left);
      this.grantWaiters();
    };
  }

  private grantWaiters(): void {
    for (let i = 0; i < this.waiting.length && this.inFlight < this.capacity; ) {
      const waiter = this.waiting[i]!;
      if (this.hasRoom(waiter.lane)) {
        this.waiting.splice(i, 1);
        waiter.grant(this.take(waiter.lane));
      } else {
        i++;
      }
    }
  }

  /**
   * A slot on `lane`, at once when one is free, else after waiting in line. Rejects with OVERLOADED when the
   * line is full, UPSTREAM_TIMEOUT when `deadline` (epoch ms) passes first, and CALLER_GONE when the caller
   * departs first.
   */
  acquire(lane: string, deadline: number, departure?: Departure): Promise<Release> {
    if (departure?.gone) return Promise.reject(CALLER_GONE);
    // Whoever waits cannot be served now (the pool or their lane is full), so a call with room goes first.
    if (this.hasRoom(lane)) return Promise.resolve(this.take(lane));
    if (this.waiting.length >= this.queueMax) {
      return Promise.reject(new UpstreamError({ code: 'OVERLOADED', retryAfter: OVERLOADED_RETRY_AFTER_SECONDS }));
    }
    const msLeft = deadline - Date.now();
    if (msLeft <= 0) return Promise.reject(UpstreamError.noAnswer('timeout', false));
    return new Promise<Release>((resolve, reject) => {
      const leaveLine = (error: unknown) => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        clearTimeout(timer);
        departure?.unlisten(onGone);
        reject(error);
      };
      const onGone = { handleEvent: () => leaveLine(CALLER_GONE) };
      const timer = setTimeout(() => leaveLine(UpstreamError.noAnswer('timeout', false)), msLeft);
      const waiter: Waiter = {
        lane,
        since: performance.now(),
        grant(release) {
          clearTimeout(timer);
          departure?.unlisten(onGone);
          resolve(release);
        },
      };
      departure?.listen(onGone);
      this.waiting.push(waiter);
    });
  }
}
