/**
 * The request object the lean handler gives yoga's GraphQL pipeline in place of a Fetch `Request`: only
 * what that pipeline reads of it (the method, the URL, header lookups and the abort signal; see
 * createContext and yoga's usePreventMutationViaGET), read straight from node:http's request. Building a
 * real `Request` (a Headers copy, a body stream, a URL) is most of what the lean path saves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the gateway's context (context.ts) needs of a caller's request, whichever server built it. */
export interface CallerRequest {
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  /** Aborted when the client goes away before its answer is sent. */
  readonly signal: AbortSignal;
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

export class LeanRequest implements CallerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: NodeHeaders;
  private controller: AbortController | undefined;

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    origin: string,
  ) {
    this.method = request.method ?? 'POST';
    this.url = origin + (request.url ?? '/');
    this.headers = new NodeHeaders(request);
  }

  /** Made on first use: a request that never asks for it costs no controller and no listener. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      // 'close' comes once: after the answer is sent, or when the client leaves first.
      this.response.once('close', () => {
        if (!this.response.writableFinished) controller.abort();
      });
      // Gone already ('close' came before anyone listened). (The request stream itself is destroyed as soon
      // as its body has been read, so it says nothing about the client.)
      if (this.response.closed || this.response.socket?.destroyed === true) controller.abort();
    }
    return this.controller.signal;
  }
}
