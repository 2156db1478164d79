/**
 * Graph-style error bodies and the one error class the embedded service throws internally.
 *
 * Microsoft Graph answers every failure with
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`; clients (the
 * gateway) read `error.code` and the `request-id`, so every failure path of the stand-in goes through
 * {@link errorBody} to keep that shape identical everywhere, including inside `$batch` parts.
 */

/** JSON shape of a Graph error response body. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: {
      date: string;
      'request-id': string;
      'client-request-id'?: string;
    };
  };
}

/** Ids attached to a response; the same values go into headers and into `innerError`. */
export interface ErrorContext {
  requestId: string;
  clientRequestId?: string | undefined;
}

/**
 * A failure with an HTTP meaning. Thrown by the pure parts (filter, query options, payload validation,
 * path parsing) and turned into a response by the router, so those parts never need to know about HTTP
 * responses themselves.
 */
export class ODataError extends Error {
  override readonly name = 'ODataError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. `Allow` for 405 or `Retry-After` for throttling. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** 400 with code `BadRequest`: the caller sent something this service does not accept. */
export function badRequest(message: string): ODataError {
  return new ODataError(400, 'BadRequest', message);
}

/** 404 with code `itemNotFound` (Graph's code for a missing entity). */
export function itemNotFound(message: string): ODataError {
  return new ODataError(404, 'itemNotFound', message);
}

/**
 * 404 for a path this service has no resource for. Graph words this as
 * "Resource not found for the segment '…'." with code `BadRequest`; we keep its wording and code but
 * answer 404, which is what the contract asks for (and what clients branch on).
 */
export function segmentNotFound(segment: string): ODataError {
  return new ODataError(404, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

/** Graph-ish error code for a bare HTTP status (used by injected status faults). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'InvalidAuthenticationToken';
    case 403:
      return 'Forbidden';
    case 404:
      return 'itemNotFound';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 412:
      return 'PreconditionFailed';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalServerError';
    case 501:
      return 'NotImplemented';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return status >= 500 ? 'UnknownError' : 'BadRequest';
  }
}

/** Graph's `innerError.date` has no fractional seconds: `2024-05-01T12:00:00`. */
function graphDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}

/** Builds the Graph error body; `client-request-id` only appears when the request carried one. */
export function errorBody(code: string, message: string, ctx: ErrorContext, now: Date = new Date()): GraphErrorBody {
  const innerError: GraphErrorBody['error']['innerError'] = {
    date: graphDate(now),
    'request-id': ctx.requestId,
  };
  if (ctx.clientRequestId !== undefined) innerError['client-request-id'] = ctx.clientRequestId;
  return { error: { code, message, innerError } };
}
