/**
 * Classification of gateway answers against the write contract (DESIGN.md §2 "Errors"):
 *
 * - `success`: data returned, no error;
 * - `failed-known`: an error without `outcomeUnknown` whose code says the upstream did not take the write;
 * - `outcome-unknown`: `outcomeUnknown: true`, only legal with UPSTREAM_TIMEOUT / UPSTREAM_UNAVAILABLE;
 * - `other`: anything the contract does not allow here (masked INTERNAL_SERVER_ERROR, a missing code,
 *   data and error together, a hang, a non-GraphQL body, ...). These are bugs and must stay at 0.
 *
 * Reads use the same error rules with `outcomeUnknown` forbidden.
 */
import type { GqlResult, GraphQLErrorView } from './gql-client.js';
import { asOperation, type OperationView } from './queries.js';

export type WriteClass = 'success' | 'failed-known' | 'outcome-unknown' | 'other';
export type ErrorClass = Exclude<WriteClass, 'success'>;

/** Codes a failed upstream call may legitimately end in, whatever the operation. */
export const UPSTREAM_FAILURE_CODES: ReadonlySet<string> = new Set(['THROTTLED', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE']);
/** The only codes that may carry `outcomeUnknown: true`. */
const NO_ANSWER_CODES: ReadonlySet<string> = new Set(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE']);

export interface ErrorVerdict {
  class: ErrorClass;
  /** The error's code, or a pseudo-code naming what was wrong (NO_CODE, HANG, ...). */
  code: string;
  /** Why it is `other`. */
  reason?: string;
}

export type WriteOutcome =
  | { class: 'success'; code: 'OK'; operation: OperationView; reason?: undefined }
  | (ErrorVerdict & { operation?: undefined });

/**
 * One GraphQL error. `allowed`: codes that are an expected, known failure here; `write`: whether
 * `outcomeUnknown: true` may appear.
 */
export function classifyError(error: GraphQLErrorView, allowed: ReadonlySet<string>, write: boolean): ErrorVerdict {
  const code = error.extensions['code'];
  if (typeof code !== 'string') return { class: 'other', code: 'NO_CODE', reason: `error without extensions.code: ${error.message}` };
  const outcomeUnknown = error.extensions['outcomeUnknown'];
  if (outcomeUnknown === true) {
    if (write && NO_ANSWER_CODES.has(code)) return { class: 'outcome-unknown', code };
    return { class: 'other', code, reason: `outcomeUnknown: true on ${write ? '' : 'a read with '}code ${code}` };
  }
  if (outcomeUnknown !== undefined) return { class: 'other', code, reason: `outcomeUnknown is ${JSON.stringify(outcomeUnknown)}, not true or absent` };
  if (!allowed.has(code)) return { class: 'other', code, reason: `unexpected code ${code}: ${error.message}` };
  if (code === 'THROTTLED' && typeof error.extensions['retryAfter'] !== 'number') {
    return { class: 'other', code, reason: 'THROTTLED without a numeric retryAfter' };
  }
  return { class: 'failed-known', code };
}

/** A result that is not a GraphQL response at all. */
export function transportVerdict(result: Exclude<GqlResult, { kind: 'response' }>): ErrorVerdict {
  switch (result.kind) {
    case 'hang':
      return { class: 'other', code: 'HANG', reason: 'no answer from the gateway within the client timeout' };
    case 'transport':
      return { class: 'other', code: 'TRANSPORT', reason: `connection to the gateway failed: ${result.message}` };
    case 'bad-body':
      return { class: 'other', code: 'BAD_BODY', reason: `HTTP ${result.httpStatus}, not a GraphQL response: ${result.raw}` };
  }
}

/** The outcome of a single-field mutation `field`. */
export function classifyWrite(result: GqlResult, field: string, allowed: ReadonlySet<string>): WriteOutcome {
  if (result.kind !== 'response') return transportVerdict(result);
  const value = result.data?.[field];
  const first = result.errors[0];
  if (first === undefined) {
    const operation = asOperation(value);
    if (operation) return { class: 'success', code: 'OK', operation };
    return { class: 'other', code: 'BAD_DATA', reason: `no error and no operation in data.${field}` };
  }
  if (value !== undefined && value !== null) return { class: 'other', code: 'DATA_AND_ERRORS', reason: `data.${field} present together with an error` };
  if (result.errors.length > 1) return { class: 'other', code: 'MANY_ERRORS', reason: `${result.errors.length} errors for one field` };
  return classifyError(first, allowed, true);
}
