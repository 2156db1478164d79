/**
 * Validation of request bodies for POST/PATCH of `connectionOperation`, with Graph's wording for the
 * common mistakes. Instance annotations (`@odata.type`, `status@odata.type`, …) are allowed and ignored,
 * except that an `@odata.type` naming a different type is rejected: a client sending the wrong type
 * has a bug worth surfacing.
 */
import { badRequest } from './errors.js';
import { ERROR_DETAIL_TYPE, ENUM_TYPE, INNER_ERROR_DETAIL_TYPE, OPERATION_TYPE, STATUS_MEMBER_NAMES, isStatusMember } from './model.js';
import type { ErrorDetail, InnerErrorDetail } from './store.js';

export interface OperationPayload {
  id?: string;
  status?: string | null;
  error?: ErrorDetail | null;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks `@odata.type` (if present) and that only `allowed` properties (plus annotations) occur. */
function checkShape(value: JsonObject, typeName: string, allowed: readonly string[]): void {
  for (const [key, item] of Object.entries(value)) {
    if (key === '@odata.type') {
      if (typeof item !== 'string' || item.replace(/^#/, '') !== typeName) {
        throw badRequest(`The '@odata.type' annotation ${JSON.stringify(item)} does not match the expected type '#${typeName}'.`);
      }
      continue;
    }
    if (key.includes('@')) continue; // instance or property annotation
    if (!allowed.includes(key)) throw badRequest(`The property '${key}' does not exist on type '${typeName}'.`);
  }
}

function optionalString(value: JsonObject, key: string, typeName: string): string | null | undefined {
  const item = value[key];
  if (item === undefined || item === null || typeof item === 'string') return item;
  throw badRequest(`The property '${key}' of type '${typeName}' must be a string or null, not ${JSON.stringify(item)}.`);
}

function parseInnerErrorDetail(value: unknown, index: number): InnerErrorDetail {
  if (!isObject(value)) throw badRequest(`error.details[${index}] must be a JSON object of type '${INNER_ERROR_DETAIL_TYPE}'.`);
  checkShape(value, INNER_ERROR_DETAIL_TYPE, ['source', 'message']);
  const detail: InnerErrorDetail = {};
  const source = optionalString(value, 'source', INNER_ERROR_DETAIL_TYPE);
  const message = optionalString(value, 'message', INNER_ERROR_DETAIL_TYPE);
  if (source !== undefined) detail.source = source;
  if (message !== undefined) detail.message = message;
  return detail;
}

function parseErrorDetail(value: unknown): ErrorDetail | null {
  if (value === null) return null;
  if (!isObject(value)) throw badRequest(`The property 'error' must be a JSON object of type '${ERROR_DETAIL_TYPE}' or null.`);
  checkShape(value, ERROR_DETAIL_TYPE, ['errorCode', 'message', 'details']);
  const detail: ErrorDetail = {};
  const errorCode = optionalString(value, 'errorCode', ERROR_DETAIL_TYPE);
  const message = optionalString(value, 'message', ERROR_DETAIL_TYPE);
  if (errorCode !== undefined) detail.errorCode = errorCode;
  if (message !== undefined) detail.message = message;
  const details = value['details'];
  if (details === null) detail.details = null;
  else if (Array.isArray(details)) detail.details = details.map(parseInnerErrorDetail);
  else if (details !== undefined) throw badRequest(`The property 'details' of type '${ERROR_DETAIL_TYPE}' must be an array or null.`);
  return detail;
}

function parseStatus(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string' && isStatusMember(value)) return value;
  throw badRequest(
    `Cannot convert the literal ${JSON.stringify(value)} to the expected type '${ENUM_TYPE}'; members are ${STATUS_MEMBER_NAMES.join(', ')}.`,
  );
}

/** Validates the body of a create (`POST …/operations`, `POST …/operations/$ref`) or update (`PATCH`). */
export function parseOperationPayload(body: unknown): OperationPayload {
  if (!isObject(body)) throw badRequest(`The request body must be a JSON object of type '${OPERATION_TYPE}'.`);
  checkShape(body, OPERATION_TYPE, ['id', 'status', 'error']);
  const payload: OperationPayload = {};
  if (body['id'] !== undefined) {
    const id = body['id'];
    if (typeof id !== 'string' || id === '') throw badRequest(`The property 'id' must be a non-empty string, not ${JSON.stringify(id)}.`);
    payload.id = id;
  }
  if (body['status'] !== undefined) payload.status = parseStatus(body['status']);
  if (body['error'] !== undefined) payload.error = parseErrorDetail(body['error']);
  return payload;
}
