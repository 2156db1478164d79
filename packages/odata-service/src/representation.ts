/**
 * JSON representations (odata.metadata=minimal): entities with `@odata.etag`, and `@odata.context` URLs.
 */
import type { OperationProperty } from './model.js';
import type { PathFamily } from './paths.js';
import { encodeSegment } from './paths.js';
import type { StoredError, StoredOperation, StoredSchema } from './store.js';

export type OperationJson = {
  '@odata.etag': string;
  id: string;
  status?: string | null;
  error?: StoredError | null;
};

/** Key literal inside a context URL: quotes doubled, then percent-encoded like any URL part. */
export function keyInUrl(value: string): string {
  return `('${encodeURIComponent(value.replace(/'/g, "''"))}')`;
}

/** `{root}/$metadata#connections('c1')/operations(id,status)` and friends. */
export function operationsContext(root: string, family: PathFamily, connectionId: string, select?: readonly OperationProperty[]): string {
  return `${root}/$metadata#${family}${keyInUrl(connectionId)}/operations${select ? `(${selectWithId(select).join(',')})` : ''}`;
}

export function operationContext(root: string, family: PathFamily, connectionId: string, select?: readonly OperationProperty[]): string {
  return `${operationsContext(root, family, connectionId, select)}/$entity`;
}

/** Canonical absolute URL of a connection (for `Location`): the key as one percent-encoded segment. */
export function connectionUrl(root: string, family: PathFamily, connectionId: string): string {
  return `${root}/${family}/${encodeSegment(connectionId)}`;
}

/** `{root}/$metadata#external/connections('c1')/schema/$entity`. */
export function schemaContext(root: string, family: PathFamily, connectionId: string): string {
  return `${root}/$metadata#${family}${keyInUrl(connectionId)}/schema/$entity`;
}

/**
 * A schema's body: `@odata.context`, `baseType` and the properties with their fields in a fixed order (name,
 * type, the five flags, labels, aliases); a field the store lacks (a test stored a partial property) is
 * rendered as `false` or `[]`, as a registration through the API would have stored it.
 */
export function schemaBody(context: string, schema: StoredSchema): Record<string, unknown> {
  return {
    '@odata.context': context,
    baseType: schema.baseType,
    properties: schema.properties.map((property) => ({
      name: property.name,
      type: property.type,
      isSearchable: property.isSearchable ?? false,
      isQueryable: property.isQueryable ?? false,
      isRetrievable: property.isRetrievable ?? false,
      isRefinable: property.isRefinable ?? false,
      isExactMatchRequired: property.isExactMatchRequired ?? false,
      labels: property.labels ?? [],
      aliases: property.aliases ?? [],
    })),
  };
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
