/**
 * One HTTP exchange with the upstream over undici's dispatch API, cut short by a hard timer that covers it as a
 * whole (connect, headers and the complete body), by its caller leaving, or by a body larger than allowed.
 *
 * undici's `request()` would give the same answer, but at a cost paid on every upstream call: an
 * AbortController to cut it, a listener on it, a Readable stream for the body and an async iterator to read
 * it. Here one handler object is all of that: the timer and the caller's departure call its `cut`, which aborts
 * through the controller undici hands the handler (the same abort `request()` reaches through its signal), and
 * the body's chunks are collected as they arrive. Nothing waits inside undici: UpstreamSlots sees to that.
 */
import type { Dispatcher } from 'undici';
import { CALLER_GONE, type Departure } from './departure.js';

/** Why an exchange was cut short, told apart by identity (beside departure.ts's CALLER_GONE). */
export const TIMED_OUT = new Error('upstream attempt timed out');
const TOO_LARGE = new Error('upstream answer larger than allowed');

export interface ExchangeAnswer {
  status: number;
  /** As undici parses them: lower-case names, repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
  /** The whole body as UTF-8 text; undefined when it was larger than `limit` (and the socket was closed). */
  text: string | undefined;
  /** The most body bytes this answer was allowed, fixed when its headers came. */
  limit: number;
}

/** What the bytes of an answer are counted against besides their own maximum: a request's budget. */
export interface ByteAllowance {
  readonly bytesLeft: number;
}

/** A failed exchange: the error undici gave, and the reason it was cut short, if it was. */
export class ExchangeFailure extends Error {
  constructor(
    readonly error: unknown,
    /** {@link TIMED_OUT} or {@link CALLER_GONE}, when the exchange was cut short. */
    readonly cut: Error | undefined,
  ) {
    super('upstream exchange failed');
  }
}

/** The timer's callback: a module function with the handler as its argument, so no closure per exchange. */
function timeUp(exchange: CappedExchange): void {
  exchange.cut(TIMED_OUT);
}

/** The dispatch handler of one exchange; also the listener of its caller's departure (`handleEvent`). */
class CappedExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  /** The reason the exchange is being cut short, once it is. */
  private reason: Error | undefined;
  private status = 0;
  private headers: ExchangeAnswer['headers'] = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private limit: number;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly maxBytes: number,
    private readonly allowance: ByteAllowance | undefined,
    boundMs: number,
    private readonly departure: Departure | undefined,
    private readonly resolve: (answer: ExchangeAnswer) => void,
    private readonly reject: (failure: ExchangeFailure) => void,
  ) {
    this.limit = maxBytes;
    this.timer = setTimeout(timeUp, boundMs, this);
    departure?.listen(this);
  }

  /** The caller departed. */
  handleEvent(): void {
    this.cut(CALLER_GONE);
  }

  /** Aborts the exchange now, or as soon as undici starts it (it cannot be aborted while it connects). */
  cut(reason: Error): void {
    if (this.settled) return;
    this.reason ??= reason;
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.reason !== undefined) controller.abort(this.reason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: ExchangeAnswer['headers']): void {
    // 1xx informational answers come before the real one (request() ignores them too).
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
    // What is left of the allowance now, not when the exchange began: other reads may have spent it since.
    this.limit = Math.min(this.maxBytes, this.allowance?.bytesLeft ?? Infinity);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      // Answer now; the abort closes the socket rather than read the rest.
      this.settle();
      this.resolve({ status: this.status, headers: this.headers, text: undefined, limit: this.limit });
      controller.abort(TOO_LARGE);
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settle();
    const chunks = this.chunks;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.resolve({ status: this.status, headers: this.headers, text, limit: this.limit });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(new ExchangeFailure(error, this.reason));
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.departure?.unlisten(this);
  }
}

/**
 * Sends `options` and reads the whole answer, within `boundMs` in all, and at most `maxBytes` of body (less
 * when `allowance` has less left when the headers come). Rejects only with an {@link ExchangeFailure}: no
 * answer, or one cut short by the timer or by the caller's departure.
 */
export function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  boundMs: number,
  maxBytes: number,
  allowance: ByteAllowance | undefined,
  departure: Departure | undefined,
): Promise<ExchangeAnswer> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new CappedExchange(maxBytes, allowance, boundMs, departure, resolve, reject));
  });
}
