/**
 * One answer of the gateway to a keyed read of the workload, held against the contract (DESIGN.md §2
 * "Errors"):
 *
 * - `refused`: HTTP 503 whose only error is OVERLOADED and which carries no data (admission control);
 * - `full`: every key read, no error;
 * - `partial`: some keys read, the others null with a typed error on their path;
 * - `no-data`: nothing read, only typed errors (every key null, or `data` null);
 * - `other`: anything the contract does not allow: a 500, a body that is not a GraphQL response, an error
 *   without a contract code (a masked "Unexpected error" is INTERNAL_SERVER_ERROR), a key answered null
 *   without an error, an operation under another key. These are the findings and must stay at 0.
 */
import { ERROR_CODES } from '../../../src/errors.js';
import { asOperation } from '../queries.js';
import type { Exchange } from './http.js';
import type { PreparedRead } from './workload.js';

/** The `extensions.code` values of the contract. */
export const CONTRACT_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export type Verdict =
  | { kind: 'refused'; retryAfterHeader: boolean }
  | { kind: 'full' }
  | { kind: 'partial'; codes: string[] }
  | { kind: 'no-data'; codes: string[] }
  | { kind: 'other'; reason: string };

type Answer = Extract<Exchange, { kind: 'answer' }>;

interface ErrorView {
  code: string | undefined;
  message: string;
  path: ReadonlyArray<string | number>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorView(value: unknown): ErrorView {
  const record = isRecord(value) ? value : {};
  const extensions = isRecord(record['extensions']) ? record['extensions'] : {};
  const code = extensions['code'];
  const path = Array.isArray(record['path']) ? record['path'].filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : [];
  return { code: typeof code === 'string' ? code : undefined, message: typeof record['message'] === 'string' ? record['message'] : '(no message)', path };
}

const excerpt = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

export function classifyAnswer(answer: Answer, prepared: PreparedRead): Verdict {
  if (answer.status >= 500 && answer.status !== 503) return { kind: 'other', reason: `HTTP ${answer.status}: ${excerpt(answer.body)}` };
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return { kind: 'other', reason: `HTTP ${answer.status}, not JSON: ${excerpt(answer.body)}` };
  }
  if (!isRecord(body) || !('data' in body || 'errors' in body)) return { kind: 'other', reason: `HTTP ${answer.status}, not a GraphQL response: ${excerpt(answer.body)}` };
  const rawErrors = body['errors'];
  if (rawErrors !== undefined && !Array.isArray(rawErrors)) return { kind: 'other', reason: `errors is not a list: ${excerpt(answer.body)}` };
  const errors = (rawErrors ?? []).map(errorView);
  const untyped = errors.find((e) => e.code === undefined || !CONTRACT_CODES.has(e.code));
  if (untyped) return { kind: 'other', reason: `HTTP ${answer.status}, error code ${String(untyped.code)} is not in the contract: ${untyped.message}` };
  const codes = errors.map((e) => e.code!);
  const data = body['data'];

  if (answer.status === 503) {
    if (data === undefined || data === null) {
      if (codes.length > 0 && codes.every((c) => c === 'OVERLOADED')) return { kind: 'refused', retryAfterHeader: answer.retryAfter !== undefined };
    }
    return { kind: 'other', reason: `HTTP 503 that is not an OVERLOADED refusal: ${excerpt(answer.body)}` };
  }
  if (data === undefined || data === null) {
    return codes.length > 0 ? { kind: 'no-data', codes } : { kind: 'other', reason: `HTTP ${answer.status}, neither data nor errors` };
  }
  if (!isRecord(data)) return { kind: 'other', reason: `data is not an object: ${excerpt(answer.body)}` };

  const erroredKeys = new Set<number>();
  for (const error of errors) {
    const key = prepared.read.keyOfError(error.path);
    if (key !== undefined) erroredKeys.add(key);
  }
  let read = 0;
  for (let i = 0; i < prepared.keys.length; i++) {
    const key = prepared.keys[i]!;
    const value = prepared.read.valueOf(data, i);
    const operation = asOperation(value);
    if (operation && operation.connectionId === key.connectionId && operation.operationId === key.operationId) {
      if (erroredKeys.has(i)) return { kind: 'other', reason: `key ${key.operationId} has both data and an error` };
      read += 1;
    } else if (value === null) {
      if (!erroredKeys.has(i)) return { kind: 'other', reason: `key ${key.operationId} is null without an error (the operation exists)` };
    } else {
      return { kind: 'other', reason: `key ${key.operationId} is neither its operation nor null: ${excerpt(JSON.stringify(value) ?? 'undefined')}` };
    }
  }
  if (codes.length === 0) return { kind: 'full' };
  return read === 0 ? { kind: 'no-data', codes } : { kind: 'partial', codes };
}
