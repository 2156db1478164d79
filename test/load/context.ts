/**
 * What the clients share during the run (the gateway client, the service's store for in-process checks,
 * the ledger and counters) and what each one owns; plus the one function through which every client
 * request goes, so that timing, error counting and the leak check happen in one place.
 */
import type { ODataStore } from '@odata-gateway/odata-service';
import type { ErrorVerdict } from './classify.js';
import type { GqlClient, GqlResult } from './gql-client.js';
import type { IdPool } from './id-pool.js';
import type { Ledger } from './ledger.js';
import type { Metrics, OpKind } from './metrics.js';
import type { KeyRef } from './queries.js';
import type { TenancyCheck, Tenant } from './tenancy.js';
import type { Violations } from './violations.js';

export interface RunContext {
  gql: GqlClient;
  store: ODataStore;
  ledger: Ledger;
  metrics: Metrics;
  violations: Violations;
  tenancy: TenancyCheck;
  pools: ReadonlyMap<Tenant, IdPool>;
  /** Connection ids; each tenant has its own connections under the same ids. */
  connections: readonly string[];
  /** Strings that must never reach a client: the upstream's address, its error messages, tokens. */
  leakNeedles: readonly string[];
}

export interface ClientState {
  index: number;
  tenant: Tenant;
  /** Bearer token; the service uses its value as the tenant. */
  token: string;
  /** Operations this client read recently, with the ETag it saw: the If-Match of its updates. */
  etags: Map<string, KeyRef & { etag: string }>;
  /** Sequence number of this client's next create (part of the id it chooses). */
  nextCreate: number;
  nextUpdate: number;
}

/** Cap of {@link ClientState.etags}. */
export const ETAGS_KEPT = 64;

export function rememberEtag(client: ClientState, key: KeyRef, etag: string): void {
  client.etags.delete(key.operationId);
  client.etags.set(key.operationId, { connectionId: key.connectionId, operationId: key.operationId, etag });
  if (client.etags.size > ETAGS_KEPT) client.etags.delete(client.etags.keys().next().value!);
}

/** Sends one GraphQL request for `client`, timing it and checking the answer for leaked upstream details. */
export async function exchange(run: RunContext, client: ClientState, op: OpKind, query: string, variables: Record<string, unknown>): Promise<GqlResult> {
  const started = performance.now();
  const result = await run.gql.request(query, variables, client.token);
  run.metrics.request(op, performance.now() - started);
  if (result.kind === 'response' && result.errors.length > 0) {
    const leaked = run.leakNeedles.find((needle) => result.raw.includes(needle));
    if (leaked !== undefined) run.violations.add('an error response contains upstream details', `${op}: contains ${JSON.stringify(leaked)}: ${result.raw.slice(0, 300)}`);
  }
  return result;
}

/** Counts an error verdict; an `other` one is also a violation (the contract does not allow it). */
export function countError(run: RunContext, op: OpKind, verdict: ErrorVerdict, example: string): void {
  run.metrics.error(op, verdict.code);
  if (verdict.class === 'other') run.violations.add(`unexpected answer to ${op} (${verdict.code})`, `${example}: ${verdict.reason ?? verdict.code}`);
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
