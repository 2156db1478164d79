/**
 * What the clients were told about every write, to be held against the stores after the run.
 *
 * Creates with a client-chosen id are kept one by one (id → what the gateway answered, and what a retry
 * answered after an unknown outcome). Creates without an id can only be verified by count: the ids of the
 * successful ones are kept, the others are counted. Updates are checked as they happen (update-action.ts);
 * only their tallies live here.
 */
import type { WriteClass } from './classify.js';
import { TENANTS, type Tenant } from './tenancy.js';

/** What the retry of a create with an unknown outcome said. `conflict`: the first attempt had created it. */
export type RetryResult = 'created' | 'conflict' | 'failed-known' | 'outcome-unknown' | 'other';

export interface CreateRecord {
  id: string;
  tenant: Tenant;
  connectionId: string;
  first: WriteClass;
  /** Code of the first attempt's error ('OK' for success). */
  firstCode: string;
  retry?: RetryResult;
}

/** What the store must show for a create, given what the clients were told. */
export type Expectation = 'exists' | 'absent' | 'unknown';

export function expectationOf(record: CreateRecord): Expectation {
  switch (record.first) {
    case 'success':
      return 'exists';
    case 'failed-known':
      return 'absent';
    case 'other':
      return 'unknown'; // already a violation; the store cannot say more
    case 'outcome-unknown':
      return record.retry === 'created' || record.retry === 'conflict' ? 'exists' : 'unknown';
  }
}

export interface GeneratedTally {
  /** id → connection of each create without id that was answered with data. */
  succeeded: Map<string, string>;
  failedKnown: number;
  outcomeUnknown: number;
  other: number;
}

export type UpdateClass = WriteClass | 'precondition-failed';

export class Ledger {
  readonly creates = new Map<string, CreateRecord>();
  readonly generated = new Map<Tenant, GeneratedTally>(
    TENANTS.map((t) => [t, { succeeded: new Map(), failedKnown: 0, outcomeUnknown: 0, other: 0 }]),
  );
  readonly updates = new Map<UpdateClass, number>();
  /** Updates answered with an unknown outcome whose marker was already in the store at answer time. */
  updatesUnknownApplied = 0;

  recordCreate(record: CreateRecord): void {
    this.creates.set(record.id, record);
  }

  recordGenerated(tenant: Tenant, outcome: WriteClass, created?: { id: string; connectionId: string }): void {
    const tally = this.generated.get(tenant)!;
    if (outcome === 'success' && created) tally.succeeded.set(created.id, created.connectionId);
    else if (outcome === 'failed-known') tally.failedKnown += 1;
    else if (outcome === 'outcome-unknown') tally.outcomeUnknown += 1;
    else tally.other += 1;
  }

  recordUpdate(outcome: UpdateClass): void {
    this.updates.set(outcome, (this.updates.get(outcome) ?? 0) + 1);
  }
}
