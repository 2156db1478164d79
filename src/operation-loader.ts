/**
 * The per-GraphQL-request DataLoader of operations by key. Keys are plain strings of (connection, id,
 * `$select`), so identical lookups in one request are made once; everything read in the same tick goes
 * to the upstream together (see ConnectionOperationsApi.readMany). A loader lives for one request and one
 * caller only, so nothing is shared across credentials.
 */
import DataLoader from 'dataloader';
import type { OperationModel } from './odata/entity.js';
import type { CallContext, ConnectionOperationsApi, KeyRead } from './odata/operations.js';
import { buildSelect, selectableProperties, type SelectableProperty } from './odata/query-options.js';

function keyOf(read: KeyRead): string {
  return JSON.stringify([read.connectionId, read.id, read.select]);
}

function readOf(key: string): KeyRead {
  const [connectionId, id, select] = JSON.parse(key) as [string, string, string];
  return { connectionId, id, select };
}

/** Every `$select` value whose properties are a subset of `properties`: an entity read with those answers them all. */
function selectsCoveredBy(properties: ReadonlySet<SelectableProperty>): string[] {
  const present = selectableProperties.filter((p) => properties.has(p));
  const subsets: string[] = [];
  for (let mask = 0; mask < 1 << present.length; mask++) {
    subsets.push(buildSelect(new Set(present.filter((_, bit) => mask & (1 << bit)))));
  }
  return subsets;
}

export const allProperties: ReadonlySet<SelectableProperty> = new Set(selectableProperties);

export class OperationLoader {
  private readonly loader: DataLoader<string, OperationModel | null>;

  constructor(api: ConnectionOperationsApi, call: CallContext) {
    this.loader = new DataLoader((keys) => api.readMany(keys.map(readOf), call), { maxBatchSize: Infinity });
  }

  /** The operation, or null when the upstream has none (404). Rejects with that key's typed error. */
  load(connectionId: string, id: string, properties: ReadonlySet<SelectableProperty>): Promise<OperationModel | null> {
    return this.loader.load(keyOf({ connectionId, id, select: buildSelect(properties) }));
  }

  /** Remembers an entity read elsewhere (a list, a write), for every selection it can answer. */
  prime(operation: OperationModel, properties: ReadonlySet<SelectableProperty>): void {
    for (const select of selectsCoveredBy(properties)) {
      const key = keyOf({ connectionId: operation.connectionId, id: operation.id, select });
      this.loader.clear(key).prime(key, operation);
    }
  }

  /** Forgets an operation after a write removed or changed it. */
  forget(connectionId: string, id: string): void {
    for (const select of selectsCoveredBy(allProperties)) this.loader.clear(keyOf({ connectionId, id, select }));
  }
}
