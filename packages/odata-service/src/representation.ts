/**
 * JSON representations (odata.metadata=minimal): entities with `@odata.etag`, and `@odata.context` URLs.
 */
import type { OperationProperty } from './model.js';
import type { PathFamily } from './paths.js';
import { encodeSegment } from './paths.js';
import type { StoredError, StoredOperation } from './store.js';

export type OperationJson = {
  '@odata.etag': string;
  id: string;
  status?: string | null;
  error?: StoredError | null;
};

/** Key literal inside a context URL: quotes doubled, then percent-encoded like any URL part. */
function keyInUrl(value: string): string {
  return `('${encodeURIComponent(value.replace(/'/g, "''"))}')`;
}

/** `{root}/$metadata#connections('c1')/operations(id,status)` and friends. */
export function operationsContext(root: string, family: PathFamily, connectionId: string, select?: readonly OperationProperty[]): string {
  return `${root}/$metadata#${family}${keyInUrl(connectionId)}/operations${select ? `(${selectWithId(select).join(',')})` : ''}`;
}

export function operationContext(root: string, family: PathFamily, connectionId: string, select?: readonly OperationProperty[]): string {
  return `${operationsContext(root, family, connectionId, select)}/$entity`;
}

/** Canonical absolute URL of an operation (for `Location`): the key as one percent-encoded segment. */
export function operationUrl(root: string, family: PathFamily, connectionId: string, operationId: string): string {
  return `${root}/${family}/${encodeSegment(connectionId)}/operations/${encodeSegment(operationId)}`;
}

/** The key is always part of a response, as in Graph, whatever `$select` says. */
function selectWithId(select: readonly OperationProperty[]): OperationProperty[] {
  return select.includes('id') ? [...select] : ['id', ...select];
}

export function operationJson(op: StoredOperation, select?: readonly OperationProperty[]): OperationJson {
  const wanted = new Set<OperationProperty>(select ? selectWithId(select) : ['id', 'status', 'error']);
  const json: OperationJson = { '@odata.etag': op.etag, id: op.id };
  if (wanted.has('status')) json.status = op.status;
  if (wanted.has('error')) json.error = op.error;
  return json;
}
