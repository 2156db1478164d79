/**
 * Admission control: at most `max` GraphQL requests in progress at once. One more is refused at once with
 * OVERLOADED (HTTP 503 and `Retry-After`) instead of joining a backlog that would outlive its deadline, grow
 * memory without bound and keep the upstream busy after its clients have left.
 *
 * It sits in front of the GraphQL server on node:http, so a refusal costs no body read, no parse and no
 * context, and a request is counted until its response is closed (sent, or its client gone), whatever path
 * serves it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { OVERLOADED_RETRY_AFTER_SECONDS } from './odata/slots.js';

export class AdmissionGate {
  private inProgress = 0;

  /**
   * @param max GraphQL requests in progress at once (MAX_CONCURRENT_REQUESTS).
   * @param saturated whether the work already admitted is falling behind (the upstream line has grown
   *   long): then a new request is refused too, however few are in progress, so that those admitted still
   *   meet their deadline instead of all of them missing it together.
   */
  constructor(
    readonly max: number,
    private readonly saturated: () => boolean = () => false,
  ) {}

  /** Requests in progress now. */
  get active(): number {
    return this.inProgress;
  }

  /** Takes a place, or returns false when all are taken. */
  tryEnter(): boolean {
    if (this.inProgress >= this.max || this.saturated()) return false;
    this.inProgress++;
    return true;
  }

  leave(): void {
    this.inProgress--;
  }
}

const REFUSAL = JSON.stringify({
  errors: [
    {
      message: `The gateway is at capacity; retry after ${OVERLOADED_RETRY_AFTER_SECONDS} second(s).`,
      extensions: { code: 'OVERLOADED', retryAfter: OVERLOADED_RETRY_AFTER_SECONDS },
    },
  ],
});

/** Requests that may run GraphQL: any POST to the endpoint, and a GET with a query string (not the GraphiQL page). */
export function runsGraphQL(request: IncomingMessage, endpoint: string): boolean {
  const url = request.url ?? '';
  if (!url.startsWith(endpoint)) return false;
  const next = url.charAt(endpoint.length);
  if (next !== '' && next !== '?') return false;
  return request.method === 'POST' || next === '?';
}

/**
 * How an admitted request gives its place back, once (see {@link leaveAdmission}): kept on node's request
 * object itself, not in a WeakMap (whose entries with young keys V8 processes on every scavenge: measurable
 * CPU per request under load).
 */
const PLACE = Symbol('admission place');
type Admitted = IncomingMessage & { [PLACE]?: AdmissionGate };

/**
 * Gives back the admission place of a request that turned into a long-lived subscription over SSE: it stays
 * open for as long as it watches, so it is bounded by the subscription limits (SUBSCRIPTIONS_MAX,
 * SUBSCRIPTIONS_PER_CLIENT, SUBSCRIPTION_MAX_MS) instead of holding one of MAX_CONCURRENT_REQUESTS places.
 * A no-op for a request that holds none (a WebSocket upgrade, or one already given back).
 */
export function leaveAdmission(request: IncomingMessage): void {
  const gate = (request as Admitted)[PLACE];
  if (gate === undefined) return;
  (request as Admitted)[PLACE] = undefined;
  gate.leave();
}

/** A response's 'close' listener: its request gives its place back, if it still holds one. */
function leaveOnClose(this: ServerResponse): void {
  leaveAdmission(this.req);
}

/** Wraps a node:http handler so that GraphQL requests beyond the gate's bound are refused at once. */
export function withAdmission(gate: AdmissionGate, endpoint: string, handler: RequestListener, onRefused?: () => void): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (!runsGraphQL(request, endpoint)) {
      handler(request, response);
      return;
    }
    if (!gate.tryEnter()) {
      onRefused?.();
      response.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': String(OVERLOADED_RETRY_AFTER_SECONDS),
        'cache-control': 'no-store',
      });
      response.end(REFUSAL);
      return;
    }
    (request as Admitted)[PLACE] = gate;
    // 'close' comes once per response: after it is sent, or when its client goes away first. (One module
    // function for every response: no closure per request.)
    response.on('close', leaveOnClose);
    handler(request, response);
  };
}
