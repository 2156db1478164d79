/**
 * Tells the upstream waits of a caller that it has gone (an HTTP client closed its connection before its
 * answer, a WebSocket closed, a subscription's poller stopped): its pending reads stop and free their
 * connections, its retry waits end.
 *
 * It does what an AbortSignal did, without EventTarget: an AbortController per GraphQL request plus an abort
 * listener added and removed on every upstream attempt cost about 48 µs of CPU per request under load
 * (their allocation, and the garbage they leave promoted to old space), a fifth of the request path. A
 * departure is one small object, made only when an upstream call needs one; listeners are objects with
 * `handleEvent` (the exchange itself), so listening allocates no closure; there is no listener limit to
 * warn about (a request of 40 lists waits on 40 reads at once).
 */

/** Hears of the departure (a method rather than a function, so an existing object can listen). */
export interface DepartureListener {
  handleEvent(): void;
}

export interface Departure {
  /** Whether the caller has gone. */
  readonly gone: boolean;
  /** Calls `listener.handleEvent()` once, when the caller goes. Never calls it when already gone: check `gone`. */
  listen(listener: DepartureListener): void;
  /** Stops listening (after the wait ended for another reason). */
  unlisten(listener: DepartureListener): void;
}

/** The error a wait rejects with when its caller has gone. */
export const CALLER_GONE = new Error('the caller went away');

/** A departure that its owner declares (`depart()`). */
export class CallerDeparture implements Departure {
  gone = false;
  /** Few at a time (one per upstream wait in flight). */
  private listeners: DepartureListener[] | undefined;

  listen(listener: DepartureListener): void {
    if (this.gone) return;
    (this.listeners ??= []).push(listener);
  }

  unlisten(listener: DepartureListener): void {
    const listeners = this.listeners;
    if (listeners === undefined) return;
    const index = listeners.lastIndexOf(listener);
    if (index < 0) return;
    listeners[index] = listeners[listeners.length - 1]!;
    listeners.pop();
  }

  /** The caller has gone: every listener hears it, once. */
  depart(): void {
    if (this.gone) return;
    this.gone = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener.handleEvent();
  }
}

/** The departure of a caller known by an AbortSignal (a Fetch Request's, on paths that have one anyway). */
export function departureOf(signal: AbortSignal): Departure {
  const departure = new CallerDeparture();
  if (signal.aborted) departure.depart();
  else signal.addEventListener('abort', () => departure.depart(), { once: true });
  return departure;
}
