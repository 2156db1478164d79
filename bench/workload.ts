/**
 * What the bench reads: the seeded operations and the GraphQL documents over them. Shared by the upstream
 * child (which seeds) and the scenarios (which query), so both agree on keys without talking. The documents
 * select what a v2 client with a normalized cache selects: the global `id`, plus the OData key and status.
 */
import { encodeGlobalId } from '../src/global-id.js';

/** Requests per `$batch` (the gateway's default, Microsoft Graph's limit); passed to the gateway explicitly. */
export const BATCH_MAX = 20;

/** Connections the keys are spread over: reads by key must batch across connections, not per connection. */
export const CONNECTION_COUNT = 3;

/** Operations seeded: enough for the largest k (its highest key index is k - 1). */
export const SEED_COUNT = 500;

const STATUSES = ['completed', 'inprogress', 'failed', 'unspecified'] as const;

export interface OperationKey {
  connectionId: string;
  operationId: string;
}

/** The n-th seeded operation (n = 0 … SEED_COUNT - 1). */
export function seededOperation(n: number): OperationKey & { status: string } {
  return { connectionId: `c${n % CONNECTION_COUNT}`, operationId: `op-${n}`, status: STATUSES[n % STATUSES.length]! };
}

/** The global id the gateway gives the operation with `key`. */
export function globalIdOf(key: OperationKey): string {
  return encodeGlobalId({ type: 'ConnectionOperation', connectionId: key.connectionId, operationId: key.operationId });
}

/** k reads by key over the connections; every fifth read repeats the one before it (so distinct = k - ⌊k/5⌋). */
export function aliasKeys(k: number): OperationKey[] {
  if (k > SEED_COUNT) throw new RangeError(`k must be at most ${SEED_COUNT} (the seeded operations), received ${k}`);
  return Array.from({ length: k }, (_, i) => {
    const { connectionId, operationId } = seededOperation(i % 5 === 4 ? i - 1 : i);
    return { connectionId, operationId };
  });
}

export function distinctCount(keys: readonly OperationKey[]): number {
  return new Set(keys.map((key) => `${key.connectionId}\u0000${key.operationId}`)).size;
}

/** One GraphQL document reading every key under the alias `o{i}`. */
export function aliasQuery(keys: readonly OperationKey[]): string {
  const fields = keys.map(
    (key, i) => `o${i}: connectionOperation(connectionId: ${JSON.stringify(key.connectionId)}, operationId: ${JSON.stringify(key.operationId)}) { id operationId status }`,
  );
  return `{ ${fields.join('\n')} }`;
}

/** Scenario 2 (a): a single operation by key. */
export const SINGLE_QUERY = aliasQuery(aliasKeys(1));

/** Scenario 2 (b): a page of ten operations. */
export const LIST_QUERY = `{ connectionOperations(connectionId: "c0", first: 10) { nodes { id operationId status } } }`;
