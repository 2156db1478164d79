/**
 * The per-GraphQL-request DataLoader of operations by key. Keys are plain strings of (connection, id,
 * `$select`), so identical lookups in one request are made once; everything read in the same tick goes
 * to the upstream together (see ConnectionOperationsApi.readMany). A loader lives for one request and one
 * caller only, so nothing is shared across credentials.
 *
 * Entities read elsewhere in the request (list pages, write results) are remembered with the properties
 * they were read with; a later load they can answer needs no upstream request.
 */
import DataLoader from 'dataloader';
import type { OperationModel } from './odata/entity.js';
import type { CallContext, ConnectionOperationsApi, KeyRead } from './odata/operations.js';
import { buildSelect, selectableProperties, type SelectableProperty } from './odata/query-options.js';

// NUL cannot occur in a key a client may send (assertValidKey refuses control characters), so it
// separates the parts unambiguously for every key that is ever loaded.
const SEPARATOR = '\u0000';

function readOf(key: string): KeyRead {
  const [connectionId, id, select] = key.split(SEPARATOR) as [string, string, string];
  return { connectionId, id, select };
}

export const allProperties: ReadonlySet<SelectableProperty> = new Set(selectableProperties);

interface Primed {
  operation: OperationModel;
  properties: ReadonlySet<SelectableProperty>;
}

export class OperationLoader {
  private readonly loader: DataLoader<string, OperationModel | null>;
  private readonly primed = new Map<string, Primed>();

  constructor(api: ConnectionOperationsApi, call: CallContext) {
    this.loader = new DataLoader((keys) => api.readMany(keys.map(readOf), call), { maxBatchSize: Infinity });
  }

  /** The operation, or null when the upstream has none (404). Rejects with that key's typed error. */
  load(connectionId: string, id: string, properties: ReadonlySet<SelectableProperty>): Promise<OperationModel | null> {
    const primed = this.primed.get(connectionId + SEPARATOR + id);
    if (primed && [...properties].every((p) => primed.properties.has(p))) return Promise.resolve(primed.operation);
    return this.loader.load(connectionId + SEPARATOR + id + SEPARATOR + buildSelect(properties));
  }

  /** Remembers an entity read elsewhere (a list, a write) with the properties that were read. */
  prime(operation: OperationModel, properties: ReadonlySet<SelectableProperty>): void {
    this.primed.set(operation.connectionId + SEPARATOR + operation.id, { operation, properties });
  }

  /**
   * Forgets an operation after a write removed or changed it. Cached reads are dropped wholesale: writes
   * are rare within one request, and a read cached under any `$select` of that key may now be stale.
   */
  forget(connectionId: string, id: string): void {
    this.primed.delete(connectionId + SEPARATOR + id);
    this.loader.clearAll();
  }
}
