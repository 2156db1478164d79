/**
 * What the clients ask for: one connection seeded with KEYS_PER_REQUEST operations, read all at once per
 * GraphQL request, either as aliased `connectionOperation` fields or as `nodes(ids:)` with global ids (the
 * two shapes of the scenario, through the same per-request loader and `$batch`). The bodies are
 * serialized once: 2000 clients re-encoding the same 10 KB document would load the test's own CPU, and
 * that CPU is what the client-side latencies are measured with.
 *
 * The recovery probe is a plain single read of one more operation of the same connection (so it competes
 * for the same upstream lane as the load did).
 */
import type { ODataStore } from '@odata-gateway/odata-service';
import { type KeyedRead, type KeyRef, readByGlobalIds, readByKeys } from '../queries.js';

export const CONNECTION_ID = 'overload';
export const KEYS_PER_REQUEST = 100;
const PROBE_OPERATION_ID = 'probe-op';
const STATUSES = ['completed', 'inprogress', 'failed', 'unspecified'] as const;

export type ReadShape = 'aliases' | 'nodes(ids:)';

export interface PreparedRead {
  shape: ReadShape;
  /** The JSON request body, serialized once. */
  body: string;
  read: KeyedRead;
  /** The keys asked for, in the order of `read.valueOf`. */
  keys: readonly KeyRef[];
}

export interface Workload {
  /** One read per shape; client `i` sends `reads[i % reads.length]`. */
  reads: readonly PreparedRead[];
  probe: PreparedRead;
}

function prepare(shape: ReadShape, keys: readonly KeyRef[]): PreparedRead {
  const read = shape === 'aliases' ? readByKeys(keys) : readByGlobalIds(keys);
  return { shape, body: JSON.stringify({ query: read.query, variables: read.variables }), read, keys };
}

/** Seeds the store and returns the prepared requests. */
export function seedWorkload(store: ODataStore): Workload {
  store.addConnection(CONNECTION_ID, 'Overload test');
  const keys: KeyRef[] = [];
  for (let i = 0; i < KEYS_PER_REQUEST; i++) {
    const operationId = `ovl-op-${String(i).padStart(3, '0')}`;
    store.putOperation(CONNECTION_ID, { id: operationId, status: STATUSES[i % STATUSES.length]! });
    keys.push({ connectionId: CONNECTION_ID, operationId });
  }
  store.putOperation(CONNECTION_ID, { id: PROBE_OPERATION_ID, status: 'completed' });
  return {
    reads: [prepare('aliases', keys), prepare('nodes(ids:)', keys)],
    probe: prepare('aliases', [{ connectionId: CONNECTION_ID, operationId: PROBE_OPERATION_ID }]),
  };
}
