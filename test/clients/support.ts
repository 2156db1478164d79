/**
 * Shared by the client suites: a `fetch` that records what each client actually sent to the gateway and what
 * came back, and the store → GraphQL mapping the expectations are written in.
 */
import type { ErrorDetail, StoredOperation } from '@odata-gateway/odata-service';

export interface Exchange {
  method: string;
  url: URL;
  /** The parsed JSON body of a POST; undefined for GET. */
  body: any;
  status: number;
  headers: Headers;
  /** The parsed JSON answer. */
  response: any;
}

/** A `fetch` over the real global one that records every exchange (the gateway's answer is cloned, not consumed). */
export function recordingFetch(): { fetch: typeof fetch; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const recording = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const text = request.method === 'GET' ? '' : await request.clone().text();
    const response = await fetch(request);
    const answer = await response.clone().text();
    exchanges.push({
      method: request.method,
      url: new URL(request.url),
      body: text === '' ? undefined : JSON.parse(text),
      status: response.status,
      headers: response.headers,
      response: answer === '' ? undefined : JSON.parse(answer),
    });
    return response;
  };
  return { fetch: recording as typeof fetch, exchanges };
}

const STATUS: Record<string, string> = {
  unspecified: 'UNSPECIFIED',
  inprogress: 'IN_PROGRESS',
  completed: 'COMPLETED',
  failed: 'FAILED',
  unknownFutureValue: 'UNKNOWN_FUTURE_VALUE',
};

/** The GraphQL value of a stored status. */
export function graphqlStatus(status: string | null): string | null {
  return status === null ? null : (STATUS[status] ?? 'UNKNOWN_FUTURE_VALUE');
}

/** The GraphQL value of a stored error, for the selection `error { errorCode message details { source message } }`. */
export function graphqlError(error: ErrorDetail | null): unknown {
  if (error === null) return null;
  return {
    errorCode: error.errorCode ?? null,
    message: error.message ?? null,
    details: error.details == null ? null : error.details.map((d) => ({ source: d.source ?? null, message: d.message ?? null })),
  };
}

/** What `{ operationId status error { errorCode message details { source message } } }` must read for a stored operation. */
export function expectedOperation(op: StoredOperation): { operationId: string; status: string | null; error: unknown } {
  return { operationId: op.id, status: graphqlStatus(op.status), error: graphqlError(op.error) };
}

/** Decoded `$select` of an upstream request, as a sorted list. */
export function selectOf(query: Record<string, string>): string[] {
  return (query.$select ?? '').split(',').filter(Boolean).sort();
}
