/**
 * The error codes of the public contract (DESIGN.md, "Errors") and the one error class every expected failure
 * uses, from any layer. It is a plain Error carrying GraphQL `extensions`, so the upstream-client and paging
 * layers need nothing from GraphQL: graphql-js copies an original error's `extensions` onto the error it
 * reports, and the gateway's masking (gateway.ts) lets a GatewayError through while it masks anything else.
 */

/** The contract's error codes, as values (metrics and the load tests count by them). */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'THROTTLED',
  'UPSTREAM_ERROR',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'OVERLOADED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface GatewayErrorExtensions {
  code: ErrorCode;
  /** The argument a BAD_USER_INPUT is about. */
  argument?: string;
  upstreamStatus?: number;
  odataCode?: string;
  requestId?: string;
  retryAfter?: number;
  outcomeUnknown?: boolean;
  /** The upstream accepted a write (it went through) but the gateway refused what its answer pointed at. */
  accepted?: boolean;
}

/** An expected failure: its message and `extensions` are what the client sees, unmasked. */
export class GatewayError extends Error {
  readonly extensions: GatewayErrorExtensions;

  constructor(message: string, extensions: GatewayErrorExtensions) {
    super(message);
    this.name = 'GatewayError';
    this.extensions = extensions;
  }

  get code(): ErrorCode {
    return this.extensions.code;
  }
}

/** A client sent something the gateway refuses before any upstream request is made. */
export function badUserInput(message: string, argument?: string): GatewayError {
  return new GatewayError(message, argument ? { code: 'BAD_USER_INPUT', argument } : { code: 'BAD_USER_INPUT' });
}
