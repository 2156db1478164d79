/**
 * The gateway is still serving after the storm: with faults off, each tenant lists each of its
 * connections with `totalCount` and reads one known operation by key. Every answer must be complete,
 * without errors, and agree with the store.
 */
import type { ODataStore } from '@odata-gateway/odata-service';
import type { GqlClient } from './gql-client.js';
import type { IdPool } from './id-pool.js';
import { asOperation, LIST, readByGlobalIds, readByKeys } from './queries.js';
import { TENANTS, type Tenant } from './tenancy.js';
import type { Violations } from './violations.js';

export interface FinalCheckReport {
  queries: number;
  ok: number;
}

function totalCountOf(data: Readonly<Record<string, unknown>> | null): number | undefined {
  const connection = data?.['connectionOperations'];
  if (typeof connection !== 'object' || connection === null || !('totalCount' in connection)) return undefined;
  return typeof connection.totalCount === 'number' ? connection.totalCount : undefined;
}

export async function finalCheck(gql: GqlClient, store: ODataStore, pools: ReadonlyMap<Tenant, IdPool>, connections: readonly string[], violations: Violations): Promise<FinalCheckReport> {
  const report: FinalCheckReport = { queries: 0, ok: 0 };
  for (const tenant of TENANTS) {
    for (const connectionId of connections) {
      report.queries += 1;
      const result = await gql.request(LIST, { c: connectionId, first: 1, count: true }, tenant);
      const expected = store.listOperations(connectionId, tenant).length;
      if (result.kind !== 'response' || result.errors.length > 0) {
        violations.add('the final query failed', `${tenant} list ${connectionId}: ${result.kind === 'response' ? JSON.stringify(result.errors) : result.kind}`);
      } else if (totalCountOf(result.data) !== expected) {
        violations.add('the final query disagrees with the store', `${tenant} list ${connectionId}: totalCount ${String(totalCountOf(result.data))}, store ${expected}`);
      } else report.ok += 1;
    }
    const known = pools.get(tenant)!.sample();
    // By its keys and by its global id.
    for (const read of known ? [readByKeys([known]), readByGlobalIds([known])] : []) {
      report.queries += 1;
      const result = await gql.request(read.query, read.variables, tenant);
      const op = result.kind === 'response' && result.data !== null ? asOperation(read.valueOf(result.data, 0)) : undefined;
      if (result.kind !== 'response' || result.errors.length > 0 || op?.operationId !== known!.operationId || op.connectionId !== known!.connectionId) {
        violations.add('the final query failed', `${tenant} read ${known!.connectionId}/${known!.operationId}: ${result.kind === 'response' ? JSON.stringify(result.errors ?? result.data) : result.kind}`);
      } else report.ok += 1;
    }
  }
  return report;
}
