/**
 * The caller of a request served on the direct path, read straight from node:http: its headers (for the
 * context: client-request-id, authorization; and for CORS) and its departure, noticed from the response's
 * 'close' (the request stream itself is destroyed as soon as its body has been read, so it says nothing about
 * the client). Building a Fetch `Request` (a Headers copy, a body stream, a URL, an AbortSignal) is most of
 * what the direct path saves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallerDeparture, departureOf, type Departure } from '../odata/departure.js';

/** What the gateway's context (context.ts) needs of a caller, whichever server took its request. */
export interface CallerRequest {
  readonly headers: { get(name: string): string | null };
  /** Goes when the client goes away before its answer is sent; made on first use. */
  departure(): Departure;
}

/** A caller known by a Fetch Request (yoga's path): its departure is its signal's abort. */
export function fetchCaller(request: Request): CallerRequest {
  return { headers: request.headers, departure: () => departureOf(request.signal) };
}

class NodeHeaders {
  constructor(private readonly request: IncomingMessage) {}

  get(name: string): string | null {
    const value = this.request.headers[name.toLowerCase()];
    if (value === undefined) return null;
    // node joins repeated headers with ", " except set-cookie, which a request does not carry.
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

const DEPARTURE = Symbol('caller departure');
type Watched = ServerResponse & { [DEPARTURE]?: CallerDeparture };

/** A response's 'close' listener: one module function for every response, so no closure per request. */
function departUnlessAnswered(this: Watched): void {
  // 'close' comes once: after the answer is sent, or when the client leaves first.
  if (!this.writableFinished) this[DEPARTURE]?.depart();
}

export class NodeCaller implements CallerRequest {
  readonly headers: NodeHeaders;
  private made: CallerDeparture | undefined;

  constructor(private readonly response: ServerResponse, request: IncomingMessage) {
    this.headers = new NodeHeaders(request);
  }

  /** Made on first use: a request that makes no upstream call pays for no departure and no listener. */
  departure(): Departure {
    if (this.made !== undefined) return this.made;
    const departure = new CallerDeparture();
    this.made = departure;
    const response = this.response as Watched;
    response[DEPARTURE] = departure;
    response.on('close', departUnlessAnswered);
    // Gone already ('close' came before anyone listened).
    if (response.closed || response.socket?.destroyed === true) departure.depart();
    return departure;
  }
}
