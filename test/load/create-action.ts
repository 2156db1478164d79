/**
 * A client's create: with an operationId it chose (`{tenant}-{client}-{n}`), or without one (the upstream
 * generates it). A create whose outcome is unknown is, half of the time, retried with the same id, as the
 * contract invites: the second answer must be CONFLICT if the first one had been applied. The other half
 * stays unresolved, so the run also shows how many unknown outcomes had in fact been applied.
 */
import { classifyWrite, UPSTREAM_FAILURE_CODES, type WriteOutcome } from './classify.js';
import { type ClientState, type RunContext, countError, exchange, pick } from './context.js';
import type { CreateRecord, RetryResult } from './ledger.js';
import type { OpKind } from './metrics.js';
import { CREATE, STATUSES } from './queries.js';

const FIELD = 'createConnectionOperation';
/** A retry may hear CONFLICT: that is the answer that resolves the unknown outcome. */
const RETRY_CODES: ReadonlySet<string> = new Set([...UPSTREAM_FAILURE_CODES, 'CONFLICT']);
const RETRY_SHARE = 0.5;

async function send(run: RunContext, client: ClientState, op: OpKind, connectionId: string, input: Record<string, unknown>, allowed: ReadonlySet<string>): Promise<WriteOutcome> {
  const outcome = classifyWrite(await exchange(run, client, op, CREATE, { c: connectionId, input }), FIELD, allowed);
  if (outcome.class !== 'success') countError(run, op, outcome, `${op} of ${JSON.stringify(input['operationId'] ?? '(generated)')} by ${client.tenant}`);
  return outcome;
}

/** A successful answer must describe the operation asked for, in the connection asked for. */
function checkAnswer(run: RunContext, client: ClientState, outcome: WriteOutcome, connectionId: string, id: string | undefined): boolean {
  const op = outcome.operation;
  if (!op) return false;
  if ((id !== undefined && op.operationId !== id) || op.connectionId !== connectionId) {
    run.violations.add('a create answered with another operation', `asked ${connectionId}/${id ?? '(generated)'}, got ${op.connectionId}/${op.operationId}`);
    return false;
  }
  run.tenancy.check(client.tenant, op.operationId, 'create answer');
  return true;
}

function retryResult(outcome: WriteOutcome): RetryResult {
  if (outcome.class === 'success') return 'created';
  if (outcome.class === 'failed-known' && outcome.code === 'CONFLICT') return 'conflict';
  return outcome.class;
}

export async function createWithId(run: RunContext, client: ClientState): Promise<void> {
  const id = `${client.tenant}-${client.index}-${client.nextCreate++}`;
  const connectionId = pick(run.connections);
  const input = { operationId: id, status: pick(STATUSES) };
  const first = await send(run, client, 'create', connectionId, input, UPSTREAM_FAILURE_CODES);
  const record: CreateRecord = { id, tenant: client.tenant, connectionId, first: first.class, firstCode: first.code };
  if (first.class === 'success' && checkAnswer(run, client, first, connectionId, id)) run.pools.get(client.tenant)!.add({ connectionId, operationId: id });
  if (first.class === 'outcome-unknown' && Math.random() < RETRY_SHARE) {
    const retry = await send(run, client, 'create retry', connectionId, input, RETRY_CODES);
    record.retry = retryResult(retry);
    if (retry.class === 'success' && checkAnswer(run, client, retry, connectionId, id)) run.pools.get(client.tenant)!.add({ connectionId, operationId: id });
  }
  run.ledger.recordCreate(record);
}

export async function createWithoutId(run: RunContext, client: ClientState): Promise<void> {
  const connectionId = pick(run.connections);
  const outcome = await send(run, client, 'create (generated id)', connectionId, { status: pick(STATUSES) }, UPSTREAM_FAILURE_CODES);
  if (outcome.class === 'success' && checkAnswer(run, client, outcome, connectionId, undefined)) {
    const id = outcome.operation!.operationId;
    run.ledger.recordGenerated(client.tenant, 'success', { id, connectionId });
    run.pools.get(client.tenant)!.add({ connectionId, operationId: id });
  } else {
    run.ledger.recordGenerated(client.tenant, outcome.class === 'success' ? 'other' : outcome.class);
  }
}
