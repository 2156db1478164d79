/**
 * After the run, with faults off and the service idle: every answer a client got, held against what the
 * service's store holds, per tenant. Adds a violation for each contradiction and returns the counts for
 * the summary.
 */
import type { ODataStore } from '@odata-gateway/odata-service';
import { expectationOf, type Ledger } from './ledger.js';
import { otherTenant, TENANTS, tenantOfId, type Tenant, type TenancyCheck } from './tenancy.js';
import type { Violations } from './violations.js';

export interface TenantStoreReport {
  tenant: Tenant;
  storeCount: number;
  /** Creates with a client-chosen id, by the class of their first answer. */
  firstAnswers: { success: number; failedKnown: number; outcomeUnknown: number; other: number };
  /** Of the unknown outcomes, those retried with the same id: what the retry said. */
  retried: { conflict: number; created: number; unresolved: number };
  /** Unresolved unknown outcomes (not retried, or retried without a verdict), by what the store shows. */
  unresolved: { exist: number; absent: number };
  /** Chosen-id creates whose first answer was `other` (already violations), by what the store shows. */
  otherInStore: { exist: number; absent: number };
  generated: { succeeded: number; failedKnown: number; outcomeUnknown: number; other: number; extraInStore: number };
  /** The terms of: store count = created + unresolved that exist + other that exist + generated succeeded + generated extra. */
  equation: { expected: number; holds: boolean };
}

type Index = Map<string, string[]>;

function indexStore(store: ODataStore, tenant: Tenant): Index {
  const index: Index = new Map();
  for (const op of store.allOperations(tenant)) {
    const connections = index.get(op.id) ?? [];
    connections.push(op.connectionId);
    index.set(op.id, connections);
  }
  return index;
}

export function verifyStore(store: ODataStore, ledger: Ledger, tenancy: TenancyCheck, violations: Violations): TenantStoreReport[] {
  const indexes = new Map<Tenant, Index>(TENANTS.map((t) => [t, indexStore(store, t)]));

  // No id twice, anywhere: not within a tenant (two connections), not across tenants.
  const seen = new Map<string, number>();
  for (const index of indexes.values()) for (const [id, connections] of index) seen.set(id, (seen.get(id) ?? 0) + connections.length);
  for (const [id, n] of seen) if (n > 1) violations.add('an id exists more than once in the stores', `${id} × ${n}`);

  const reports = new Map<Tenant, TenantStoreReport>(
    TENANTS.map((tenant) => [
      tenant,
      {
        tenant,
        storeCount: store.allOperations(tenant).length,
        firstAnswers: { success: 0, failedKnown: 0, outcomeUnknown: 0, other: 0 },
        retried: { conflict: 0, created: 0, unresolved: 0 },
        unresolved: { exist: 0, absent: 0 },
        otherInStore: { exist: 0, absent: 0 },
        generated: { succeeded: 0, failedKnown: 0, outcomeUnknown: 0, other: 0, extraInStore: 0 },
        equation: { expected: 0, holds: false },
      },
    ]),
  );

  const expectedByTenant = new Map<Tenant, number>(TENANTS.map((t) => [t, 0]));
  for (const record of ledger.creates.values()) {
    const report = reports.get(record.tenant)!;
    const own = indexes.get(record.tenant)!.get(record.id) ?? [];
    const foreign = indexes.get(otherTenant(record.tenant))!.get(record.id) ?? [];
    const where = `${record.tenant}: ${record.connectionId}/${record.id} (first answer ${record.firstCode}${record.retry ? `, retry ${record.retry}` : ''})`;
    if (foreign.length > 0) violations.add("a create landed in the other tenant's store", where);

    const counts = report.firstAnswers;
    if (record.first === 'success') counts.success += 1;
    else if (record.first === 'failed-known') counts.failedKnown += 1;
    else if (record.first === 'outcome-unknown') counts.outcomeUnknown += 1;
    else counts.other += 1;
    if (record.retry === 'conflict') report.retried.conflict += 1;
    else if (record.retry === 'created') report.retried.created += 1;
    else if (record.retry !== undefined) report.retried.unresolved += 1;

    switch (expectationOf(record)) {
      case 'exists':
        expectedByTenant.set(record.tenant, expectedByTenant.get(record.tenant)! + 1);
        if (own.length === 0) violations.add('a create answered as created (or CONFLICT on retry) is not in the store', where);
        else if (own.length === 1 && own[0] !== record.connectionId) violations.add('a create is stored under another connection', `${where} found in ${own[0]}`);
        break;
      case 'absent':
        if (own.length > 0) violations.add(`a create answered ${record.firstCode} without outcomeUnknown exists`, where);
        break;
      case 'unknown': {
        const bucket = record.first === 'other' ? report.otherInStore : report.unresolved;
        if (own.length > 0) bucket.exist += 1;
        else bucket.absent += 1;
        break;
      }
    }
  }

  for (const tenant of TENANTS) {
    const report = reports.get(tenant)!;
    const index = indexes.get(tenant)!;
    const generated = ledger.generated.get(tenant)!;
    Object.assign(report.generated, {
      succeeded: generated.succeeded.size,
      failedKnown: generated.failedKnown,
      outcomeUnknown: generated.outcomeUnknown,
      other: generated.other,
    });
    for (const [id, connectionId] of generated.succeeded) {
      const own = index.get(id) ?? [];
      if (own.length === 0) violations.add('a create without id answered as created is not in the store', `${tenant}: ${connectionId}/${id}`);
      else if (own[0] !== connectionId) violations.add('a create is stored under another connection', `${tenant}: ${connectionId}/${id} found in ${own[0]}`);
    }
    for (const [id, connections] of index) {
      const owner = tenantOfId(id);
      if (owner === undefined) {
        if (!generated.succeeded.has(id)) report.generated.extraInStore += connections.length;
      } else if (owner !== tenant) {
        violations.add("an operation with another tenant's id is in a tenant's store", `${tenant} holds ${id}`);
      } else if (!ledger.creates.has(id)) {
        violations.add('an operation no client created is in the store', `${tenant}: ${connections.join(',')}/${id}`);
      }
    }
    // Creates without id that were not answered as created may or may not exist; no more than them may.
    const mayExist = generated.outcomeUnknown + generated.other;
    if (report.generated.extraInStore > mayExist) {
      violations.add('more generated-id operations in the store than creates with unknown outcome', `${tenant}: ${report.generated.extraInStore} extra, at most ${mayExist} possible (failed-known: ${generated.failedKnown})`);
    }
    for (const id of tenancy.generatedSeen.get(tenant)!) {
      if (!index.has(id)) violations.add('a client received a generated id its tenant does not hold', `${tenant} received ${id}`);
    }
    const expected = expectedByTenant.get(tenant)! + report.unresolved.exist + report.otherInStore.exist + report.generated.succeeded + report.generated.extraInStore;
    report.equation = { expected, holds: expected === report.storeCount };
    if (!report.equation.holds) violations.add('store count does not add up', `${tenant}: store ${report.storeCount}, expected ${expected}`);
  }
  return TENANTS.map((t) => reports.get(t)!);
}
