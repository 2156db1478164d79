/**
 * The per-GraphQL-request DataLoader of operations by key. Everything asked for in the same tick goes to the
 * upstream together (ConnectionOperationsApi.readMany: one `$batch` per BATCH_MAX reads, one read per entity
 * whatever mix of selections asked for it), and identical lookups in one request are made once. A loader
 * lives for one request and one caller only, so nothing is shared across credentials.
 */
import DataLoader from 'dataloader';
import type { OperationModel } from '../odata/entity.js';
import type { CallContext, ConnectionOperationsApi, KeyRead } from '../odata/operations.js';
import { buildSelect } from '../odata/query-options.js';

/** Reads by key with the same connection, operation and `$select` are the same read. */
function cacheKey(read: KeyRead): string {
  return JSON.stringify([read.connectionId, read.operationId, buildSelect(read.properties)]);
}

export function createOperationLoader(api: ConnectionOperationsApi, call: CallContext): DataLoader<KeyRead, OperationModel | null, string> {
  return new DataLoader((reads) => api.readMany(reads, call), { cacheKeyFn: cacheKey, maxBatchSize: Infinity });
}
