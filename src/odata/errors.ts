/**
 * Upstream failures as typed errors: the status→code map lives here and nowhere else.
 * Only the contract's fields reach the client (code, upstreamStatus, odataCode, requestId, retryAfter,
 * outcomeUnknown); upstream URLs, bodies, messages and headers never do.
 */
import { GatewayError, type ErrorCode, type GatewayErrorExtensions } from '../errors.js';
import { isRecord } from './json.js';

export type UpstreamErrorExtensions = Omit<GatewayErrorExtensions, 'argument'>;

const messages: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'The upstream rejected the request as invalid.',
  UNAUTHENTICATED: 'The upstream did not accept the credentials.',
  FORBIDDEN: 'The upstream denied access.',
  NOT_FOUND: 'The upstream has no such resource.',
  CONFLICT: 'The upstream reported a conflict: the resource already exists or changed.',
  PRECONDITION_FAILED: 'The resource changed since the given ETag (If-Match did not match).',
  THROTTLED: 'The upstream is throttling requests; retry after `retryAfter` seconds.',
  UPSTREAM_ERROR: 'The upstream failed to answer properly.',
  UPSTREAM_TIMEOUT: 'The upstream did not answer in time.',
  UPSTREAM_UNAVAILABLE: 'The upstream could not be reached.',
  OVERLOADED: 'The gateway is at capacity; retry after `retryAfter` seconds.',
};

/** Maps an upstream HTTP status to the contract's code. */
export function codeForStatus(status: number, retryAfter: number | undefined): ErrorCode {
  switch (status) {
    case 400:
      return 'BAD_USER_INPUT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 412:
      return 'PRECONDITION_FAILED';
    case 429:
      return 'THROTTLED';
    case 503:
      return retryAfter !== undefined ? 'THROTTLED' : 'UPSTREAM_ERROR';
    default:
      return 'UPSTREAM_ERROR';
  }
}

/** Whether an answer throttles the gateway (429, or 503 with a Retry-After): the statuses {@link codeForStatus} calls THROTTLED. */
export function isThrottling(status: number, retryAfter: number | undefined): boolean {
  return codeForStatus(status, retryAfter) === 'THROTTLED';
}

/** Reads a `Retry-After` value (delta-seconds or HTTP date) as whole seconds, or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}


/** Picks `error.code` and `error.innerError["request-id"]` out of a Graph-style error body, if there. */
function odataErrorFields(body: unknown): { odataCode?: string; requestId?: string } {
  if (!isRecord(body) || !isRecord(body.error)) return {};
  const { code, innerError } = body.error;
  const requestId = isRecord(innerError) ? innerError['request-id'] : undefined;
  return {
    ...(typeof code === 'string' && code.length <= 200 ? { odataCode: code } : {}),
    ...(typeof requestId === 'string' && requestId.length <= 200 ? { requestId } : {}),
  };
}

export class UpstreamError extends GatewayError {
  /**
   * Set when the answer was about another entity than the one asked for: the key it carried (undefined for
   * a page of another collection). For the log line, never for the client.
   */
  wrongEntity?: { received: string | undefined; duplicatedPart?: boolean };

  constructor(extensions: UpstreamErrorExtensions, message = messages[extensions.code]) {
    super(message, { ...extensions });
    this.name = 'UpstreamError';
  }

  /** A 2xx answer about another entity (another key, or another connection) than the one asked for. */
  static wrongEntity(received: string | undefined, duplicatedPart = false): UpstreamError {
    const error = new UpstreamError({ code: 'UPSTREAM_ERROR' }, 'The upstream answered with another entity than the one asked for.');
    error.wrongEntity = duplicatedPart ? { received, duplicatedPart } : { received };
    return error;
  }

  get upstreamStatus(): number | undefined {
    return this.extensions.upstreamStatus;
  }

  /** An upstream answer with an error status. `headers` keys are lower-case. */
  static fromResponse(status: number, body: unknown, headers: Record<string, string | undefined>): UpstreamError {
    const retryAfter = parseRetryAfter(headers['retry-after']);
    const code = codeForStatus(status, retryAfter);
    const fields = odataErrorFields(body);
    const requestId = fields.requestId ?? headers['request-id'];
    return new UpstreamError({
      code,
      upstreamStatus: status,
      ...(fields.odataCode !== undefined ? { odataCode: fields.odataCode } : {}),
      ...(requestId !== undefined && requestId.length <= 200 ? { requestId } : {}),
      ...(code === 'THROTTLED' ? { retryAfter: retryAfter ?? 1 } : {}),
    });
  }

  /** A 2xx answer whose body is not what OData promises (bad JSON, wrong shape). */
  static malformed(upstreamStatus?: number, requestId?: string): UpstreamError {
    return new UpstreamError({
      code: 'UPSTREAM_ERROR',
      ...(upstreamStatus !== undefined ? { upstreamStatus } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    });
  }

  /**
   * A page whose `@odata.nextLink` leaves its collection (another origin, path or credentials) or is too long
   * to seal into a cursor: it is never followed, and the page is not served as if the list ended there.
   */
  static unfollowableLink(requestId?: string): UpstreamError {
    return new UpstreamError(
      { code: 'UPSTREAM_ERROR', upstreamStatus: 200, ...(requestId !== undefined && requestId.length <= 200 ? { requestId } : {}) },
      "The upstream's link to the next page leaves the collection; it was not followed.",
    );
  }

  /**
   * A write the upstream accepted (2xx) whose `Location` the gateway will not follow (another origin,
   * connection or path): the write went through, so the error says so, and nothing is contacted there.
   */
  static refusedLocation(upstreamStatus: number, requestId?: string): UpstreamError {
    return new UpstreamError(
      { code: 'UPSTREAM_ERROR', upstreamStatus, accepted: true, ...(requestId !== undefined && requestId.length <= 200 ? { requestId } : {}) },
      'The upstream accepted the write, but its Location does not name an operation of this connection; it was not followed.',
    );
  }

  /**
   * No answer: `timeout` or `unavailable`. For a write whose request left the gateway, the outcome is
   * unknown: the upstream may have applied it.
   */
  static noAnswer(kind: 'timeout' | 'unavailable', outcomeUnknown: boolean): UpstreamError {
    return new UpstreamError({
      code: kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
      ...(outcomeUnknown ? { outcomeUnknown: true } : {}),
    });
  }
}
