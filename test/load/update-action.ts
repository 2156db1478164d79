/**
 * A client's update of an operation it read before, with the ETag it saw as `ifMatch`. Each update writes
 * a marker unique to it (`error.message`), so the service's store tells, right when the answer arrives,
 * whether THIS update was applied: an update answered as failed (without `outcomeUnknown`) whose marker is
 * in the store was applied although the client was told it was not, which breaks the write contract.
 * (A later update can overwrite a marker before the check, so the check can miss, never accuse falsely.)
 */
import { classifyWrite, UPSTREAM_FAILURE_CODES } from './classify.js';
import { type ClientState, type RunContext, countError, exchange, pick, rememberEtag } from './context.js';
import { STATUSES, UPDATE } from './queries.js';

const OP = 'update';
const FIELD = 'updateConnectionOperation';
/** A stale ETag (another client updated first) is an expected answer. */
const UPDATE_CODES: ReadonlySet<string> = new Set([...UPSTREAM_FAILURE_CODES, 'PRECONDITION_FAILED']);

/** Falls back to another action while this client has read nothing it could update. */
export function canUpdate(client: ClientState): boolean {
  return client.etags.size > 0;
}

export async function updateWithIfMatch(run: RunContext, client: ClientState): Promise<void> {
  const target = pick([...client.etags.values()]);
  client.etags.delete(target.operationId); // an ETag is used once: after the update it is stale either way
  const marker = `upd-${client.tenant}-${client.index}-${client.nextUpdate++}`;
  const variables = {
    c: target.connectionId,
    id: target.operationId,
    ifMatch: target.etag,
    input: { status: pick(STATUSES), error: { errorCode: 'loadTest', message: marker } },
  };
  const outcome = classifyWrite(await exchange(run, client, OP, UPDATE, variables), FIELD, UPDATE_CODES);
  const example = `update of ${target.connectionId}/${target.operationId} by ${client.tenant} with If-Match ${target.etag} (marker ${marker})`;
  const stored = run.store.getOperation(target.connectionId, target.operationId, client.token);
  const applied = stored?.error?.message === marker;

  if (outcome.class === 'success') {
    run.ledger.recordUpdate('success');
    const op = outcome.operation!;
    run.tenancy.check(client.tenant, op.operationId, 'update answer');
    if (op.operationId !== target.operationId || op.connectionId !== target.connectionId || op.errorMessage !== marker) {
      run.violations.add('an update answered with another operation or value', `${example}: got ${op.connectionId}/${op.operationId} marker ${String(op.errorMessage)}`);
    }
    if (op.etag !== null) rememberEtag(client, target, op.etag);
    return;
  }
  countError(run, OP, outcome, example);
  if (outcome.class === 'failed-known') {
    run.ledger.recordUpdate(outcome.code === 'PRECONDITION_FAILED' ? 'precondition-failed' : 'failed-known');
    if (applied) run.violations.add(`an update answered ${outcome.code} (not outcomeUnknown) was applied`, example);
    return;
  }
  run.ledger.recordUpdate(outcome.class);
  if (outcome.class === 'outcome-unknown' && applied) run.ledger.updatesUnknownApplied += 1;
}
