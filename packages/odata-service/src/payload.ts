/**
 * Validation of request bodies for POST/PATCH of `connectionOperation` and POST of `externalConnection`
 * (a schema's body: schema-payload.ts), with Graph's wording for the common mistakes. Instance annotations (`@odata.type`, `status@odata.type`, …) are allowed and ignored,
 * except that an `@odata.type` naming a different type is rejected: a client sending the wrong type
 * has a bug worth surfacing. The `error` must be of the API version's shape: beta's errorDetail, or v1.0's
 * publicError (whose properties an errorDetail does not have, and the other way round).
 */
import { badRequest } from './errors.js';
import {
  ERROR_DETAIL_TYPE,
  ENUM_TYPE,
  INNER_ERROR_DETAIL_TYPE,
  OPERATION_TYPE,
  PUBLIC_ERROR_DETAIL_TYPE,
  PUBLIC_ERROR_TYPE,
  PUBLIC_INNER_ERROR_TYPE,
  STATUS_MEMBER_NAMES,
  V1_OPERATION_TYPE,
  isStatusMember,
  connectorTypeNames,
  type ApiVersion,
} from './model.js';
import type { ErrorDetail, InnerErrorDetail, PublicError, PublicErrorDetail, PublicInnerError, StoredError } from './store.js';

export interface OperationPayload {
  id?: string;
  status?: string | null;
  error?: StoredError | null;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks `@odata.type` (if present: `typeName`, or one of `aliases`) and that only `allowed` properties
 * (plus annotations) occur.
 */
export function checkShape(value: JsonObject, typeName: string, allowed: readonly string[], aliases: readonly string[] = []): void {
  for (const [key, item] of Object.entries(value)) {
    if (key === '@odata.type') {
      if (typeof item !== 'string' || ![typeName, ...aliases].includes(item.replace(/^#/, ''))) {
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

/** Copies the string-or-null properties `keys` of `value` that are present. */
function strings<K extends string>(value: JsonObject, keys: readonly K[], typeName: string): Partial<Record<K, string | null>> {
  const out: Partial<Record<K, string | null>> = {};
  for (const key of keys) {
    const item = optionalString(value, key, typeName);
    if (item !== undefined) out[key] = item;
  }
  return out;
}

function parsePublicErrorDetails(value: JsonObject, typeName: string, path: string): PublicErrorDetail[] | null | undefined {
  const details = value['details'];
  if (details === undefined || details === null) return details;
  if (!Array.isArray(details)) throw badRequest(`The property 'details' of type '${typeName}' must be an array or null.`);
  return details.map((detail, index) => {
    if (!isObject(detail)) throw badRequest(`${path}.details[${index}] must be a JSON object of type '${PUBLIC_ERROR_DETAIL_TYPE}'.`);
    checkShape(detail, PUBLIC_ERROR_DETAIL_TYPE, ['code', 'message', 'target']);
    return strings(detail, ['code', 'message', 'target'], PUBLIC_ERROR_DETAIL_TYPE);
  });
}

function parsePublicInnerError(value: unknown): PublicInnerError | null {
  if (value === null) return null;
  if (!isObject(value)) throw badRequest(`The property 'innerError' must be a JSON object of type '${PUBLIC_INNER_ERROR_TYPE}' or null.`);
  checkShape(value, PUBLIC_INNER_ERROR_TYPE, ['code', 'message', 'target', 'details']);
  const inner: PublicInnerError = strings(value, ['code', 'message', 'target'], PUBLIC_INNER_ERROR_TYPE);
  const details = parsePublicErrorDetails(value, PUBLIC_INNER_ERROR_TYPE, 'error.innerError');
  if (details !== undefined) inner.details = details;
  return inner;
}

function parsePublicError(value: unknown): PublicError | null {
  if (value === null) return null;
  if (!isObject(value)) throw badRequest(`The property 'error' must be a JSON object of type '${PUBLIC_ERROR_TYPE}' or null.`);
  checkShape(value, PUBLIC_ERROR_TYPE, ['code', 'message', 'target', 'details', 'innerError']);
  const error: PublicError = strings(value, ['code', 'message', 'target'], PUBLIC_ERROR_TYPE);
  const details = parsePublicErrorDetails(value, PUBLIC_ERROR_TYPE, 'error');
  if (details !== undefined) error.details = details;
  if (value['innerError'] !== undefined) error.innerError = parsePublicInnerError(value['innerError']);
  return error;
}

function parseStatus(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string' && isStatusMember(value)) return value;
  throw badRequest(
    `Cannot convert the literal ${JSON.stringify(value)} to the expected type '${ENUM_TYPE}'; members are ${STATUS_MEMBER_NAMES.join(', ')}.`,
  );
}

/**
 * Validates the body of a create (`POST …/operations`, `POST …/operations/$ref`) or update (`PATCH`).
 * In v1.0 the entity type is `microsoft.graph.externalConnectors.connectionOperation`; the contract's
 * `microsoft.graph.connectionOperation` (DESIGN.md section 1, what the gateway sends) is accepted as well.
 */
export function parseOperationPayload(body: unknown, apiVersion: ApiVersion = 'beta'): OperationPayload {
  if (!isObject(body)) throw badRequest(`The request body must be a JSON object of type '${OPERATION_TYPE}'.`);
  if (apiVersion === 'beta') checkShape(body, OPERATION_TYPE, ['id', 'status', 'error']);
  else checkShape(body, V1_OPERATION_TYPE, ['id', 'status', 'error'], [OPERATION_TYPE]);
  const payload: OperationPayload = {};
  if (body['id'] !== undefined) {
    const id = body['id'];
    if (typeof id !== 'string' || id === '') throw badRequest(`The property 'id' must be a non-empty string, not ${JSON.stringify(id)}.`);
    payload.id = id;
  }
  if (body['status'] !== undefined) payload.status = parseStatus(body['status']);
  if (body['error'] !== undefined) payload.error = apiVersion === 'beta' ? parseErrorDetail(body['error']) : parsePublicError(body['error']);
  return payload;
}

/** The body of `POST {cs}`: a new externalConnection. */
export interface ConnectionPayload {
  id: string;
  name: string;
  description: string | null;
}

/** Graph's rule for a connection id: 3 to 32 characters, letters and digits only. */
export const CONNECTION_ID_PATTERN = /^[A-Za-z0-9]{3,32}$/;
/** The longest `name` Graph accepts. */
export const MAX_CONNECTION_NAME_LENGTH = 128;

/**
 * Validates the body of `POST {cs}`: `id` (3 to 32 letters and digits) and `name` (1 to 128 characters) are
 * required; `description` is a string or null, and in the v1.0 mode a string, required (Graph v1.0's
 * "Create externalConnection" page marks it Required; the beta page does not); `@odata.type` may name
 * externalConnection in either namespace; any other property is a 400 (this service keeps no
 * `configuration`, `searchSettings`, ...).
 */
export function parseConnectionPayload(body: unknown, apiVersion: ApiVersion = 'beta'): ConnectionPayload {
  const [typeName, alias] = connectorTypeNames(apiVersion, 'externalConnection');
  if (!isObject(body)) throw badRequest(`The request body must be a JSON object of type '${typeName}'.`);
  checkShape(body, typeName, ['id', 'name', 'description'], [alias]);
  const { id, name } = body;
  if (id === undefined || id === null) throw badRequest("The property 'id' is required: the connection id, 3 to 32 letters and digits.");
  if (typeof id !== 'string' || !CONNECTION_ID_PATTERN.test(id)) {
    throw badRequest(`The connection id ${JSON.stringify(id)} is not valid: it must be 3 to 32 characters, letters (A-Z, a-z) and digits only.`);
  }
  if (name === undefined || name === null) throw badRequest("The property 'name' is required: the connection's display name, 1 to 128 characters.");
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_CONNECTION_NAME_LENGTH) {
    throw badRequest(`The connection name ${JSON.stringify(name)} is not valid: it must be a string of 1 to ${MAX_CONNECTION_NAME_LENGTH} characters.`);
  }
  const description = optionalString(body, 'description', typeName);
  if (apiVersion === 'v1.0' && (description === undefined || description === null)) {
    throw badRequest("The property 'description' is required: the connection's description, shown in the Microsoft 365 admin center.");
  }
  return { id, name, description: description ?? null };
}
