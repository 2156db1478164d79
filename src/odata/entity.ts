/**
 * The gateway's internal model of upstream entities, and the parsing of upstream JSON into it.
 * Status stays the OData member string here; the GraphQL enum mapping happens at the field resolver,
 * so an unknown member of the evolvable enum is data, never a parse failure.
 */
import { contextNamesAnotherConnection } from './context-url.js';
import { parseErrorDetail, type ErrorDetailModel } from './error-detail.js';
import { UpstreamError } from './errors.js';
import { isRecord } from './json.js';

export type { ErrorDetailModel, InnerErrorDetailModel } from './error-detail.js';

/** A connectionOperation as read from the upstream, plus the parent connection id from the request path. */
export interface OperationModel {
  /** The OData key (`id` upstream). */
  operationId: string;
  connectionId: string;
  /** OData member name as sent by the upstream (may be a member this gateway does not know). */
  status: string | null;
  error: ErrorDetailModel | null;
  etag: string | null;
}

/** One page of a collection read. */
export interface OperationPageModel {
  connectionId: string;
  nodes: OperationModel[];
  /** `@odata.nextLink`, absolute, when the upstream has more. */
  nextLink: string | null;
  /** `@odata.count`, when asked for. */
  totalCount: number | null;
}

type Json = unknown;


function optionalString(value: Json): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Parses one entity. Accepts a bare entity and one wrapped as `{"value": {...}}` (some services do that).
 * Throws UPSTREAM_ERROR when the body is not an entity with a string id, and a wrong-entity UPSTREAM_ERROR
 * when the answer is about another entity than the one asked for: another key (when `operationId` is given,
 * a read or write by key), or an `@odata.context` naming another connection. The gateway never serves one
 * entity's data under another's key.
 */
export function parseOperation(body: Json, connectionId: string, operationId?: string): OperationModel {
  const entity = isRecord(body) && isRecord(body.value) ? body.value : body;
  if (!isRecord(entity) || typeof entity.id !== 'string') throw UpstreamError.malformed();
  if (operationId !== undefined && entity.id !== operationId) throw UpstreamError.wrongEntity(entity.id);
  if (
    (entity !== body && contextNamesAnotherConnection((body as Record<string, unknown>)['@odata.context'], connectionId)) ||
    contextNamesAnotherConnection(entity['@odata.context'], connectionId)
  ) {
    throw UpstreamError.wrongEntity(entity.id);
  }
  return {
    operationId: entity.id,
    connectionId,
    status: optionalString(entity.status),
    error: parseErrorDetail(entity.error),
    etag: optionalString(entity['@odata.etag']),
  };
}

/** Parses a collection response `{"value": [...], "@odata.nextLink"?, "@odata.count"?}`. */
export function parseOperationPage(body: Json, connectionId: string): OperationPageModel {
  if (!isRecord(body) || !Array.isArray(body.value)) {
    throw UpstreamError.malformed();
  }
  if (contextNamesAnotherConnection(body['@odata.context'], connectionId)) throw UpstreamError.wrongEntity(undefined);
  const count = body['@odata.count'];
  return {
    connectionId,
    nodes: body.value.map((entity) => parseOperation(entity, connectionId)),
    nextLink: optionalString(body['@odata.nextLink']),
    totalCount: typeof count === 'number' && Number.isSafeInteger(count) ? count : null,
  };
}
