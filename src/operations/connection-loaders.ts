/**
 * The per-GraphQL-request DataLoaders of external connections: connections by key (one `$batch` per
 * BATCH_MAX, one read per connection whatever mix of selections asked), and the first operations pages of
 * many connections, keyed by (connection, query options), so that `externalConnections { nodes { operations
 * } }` sends one `$batch` per BATCH_MAX pages instead of one GET per connection. A loader lives for one
 * request and one caller only.
 */
import DataLoader from 'dataloader';
import { buildConnectionSelect, type ConnectionModel } from '../odata/connection-entity.js';
import type { ConnectionRead, ExternalConnectionsApi, OperationPageRequest } from '../odata/connections.js';
import type { OperationPageModel } from '../odata/entity.js';
import type { CallContext } from '../odata/operations.js';
import type { SchemaModel } from '../odata/schema-entity.js';

export function createConnectionLoader(api: ExternalConnectionsApi, call: CallContext): DataLoader<ConnectionRead, ConnectionModel | null, string> {
  return new DataLoader((reads) => api.readMany(reads, call), {
    cacheKeyFn: (read) => JSON.stringify([read.connectionId, buildConnectionSelect(read.properties)]),
    maxBatchSize: Infinity,
  });
}

/** Equal (connection, options) pages are one read; options are serialised in a fixed order. */
function pageKey(request: OperationPageRequest): string {
  const o = request.options;
  return JSON.stringify([request.connectionId, o.$select, o.$filter ?? null, o.$orderby ?? null, o.$top ?? null, o.$count ?? null]);
}

export function createOperationPageLoader(api: ExternalConnectionsApi, call: CallContext): DataLoader<OperationPageRequest, OperationPageModel, string> {
  return new DataLoader((requests) => api.readOperationPages(requests, call), { cacheKeyFn: pageKey, maxBatchSize: Infinity });
}

/** The schemas of the connections resolved in one tick: one `$batch` per BATCH_MAX. */
export function createSchemaLoader(api: ExternalConnectionsApi, call: CallContext): DataLoader<string, SchemaModel | null, string> {
  return new DataLoader((connectionIds) => api.readSchemas(connectionIds, call), { maxBatchSize: Infinity });
}
