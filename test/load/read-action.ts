/**
 * A client's read by key: one to six of its tenant's known operations under aliases, or by their global ids
 * through `nodes(ids:)` (more than one goes upstream as a `$batch` either way), sometimes with an operation of
 * the OTHER tenant and an operationId that exists nowhere. Known operations must come back (or fail with an
 * allowed error), the others must read as null: the foreign one is the tenancy check of reads by key.
 */
import { classifyError, transportVerdict, UPSTREAM_FAILURE_CODES } from './classify.js';
import { type ClientState, type RunContext, countError, exchange, rememberEtag } from './context.js';
import { asOperation, type KeyRef, readByGlobalIds, readByKeys } from './queries.js';
import { otherTenant } from './tenancy.js';

const OP = 'read by key';
const MAX_OWN = 6;
/** Share of reads sent as `nodes(ids:)` with global ids instead of aliased `connectionOperation` fields. */
const BY_GLOBAL_ID_SHARE = 0.3;

interface Probe extends KeyRef {
  /** `exists`: answered created, so it must be there; `absent`: must read as null. */
  expect: 'exists' | 'absent';
  why: string;
}

function chooseProbes(run: RunContext, client: ClientState): Probe[] {
  const probes: Probe[] = [];
  const own = run.pools.get(client.tenant)!;
  const count = Math.random() < 0.4 ? 1 : 2 + Math.floor(Math.random() * (MAX_OWN - 1));
  for (let i = 0; i < count; i++) {
    const key = own.sample();
    if (key && !probes.some((p) => p.operationId === key.operationId)) probes.push({ ...key, expect: 'exists', why: 'created' });
  }
  if (Math.random() < 0.3) {
    const foreign = run.pools.get(otherTenant(client.tenant))!.sample();
    if (foreign) probes.push({ ...foreign, expect: 'absent', why: `belongs to ${otherTenant(client.tenant)}` });
  }
  if (probes.length === 0 || Math.random() < 0.15) {
    probes.push({ connectionId: run.connections[0]!, operationId: `${client.tenant}-missing-${Math.random().toString(36).slice(2)}`, expect: 'absent', why: 'never created' });
  }
  return probes;
}

export async function readByKey(run: RunContext, client: ClientState): Promise<void> {
  const probes = chooseProbes(run, client);
  const read = Math.random() < BY_GLOBAL_ID_SHARE ? readByGlobalIds(probes) : readByKeys(probes);
  run.metrics.keyedReads += probes.length;
  const result = await exchange(run, client, OP, read.query, read.variables);
  if (result.kind !== 'response') {
    countError(run, OP, transportVerdict(result), `read of ${probes.length} keys by ${client.tenant}`);
    return;
  }
  const failed = new Set<number>();
  for (const error of result.errors) {
    const index = read.keyOfError(error.path);
    if (index === undefined) {
      countError(run, OP, { class: 'other', code: String(error.extensions['code'] ?? 'NO_CODE'), reason: `error not tied to one key: ${error.message}` }, `read by ${client.tenant}`);
      continue;
    }
    failed.add(index);
    countError(run, OP, classifyError(error, UPSTREAM_FAILURE_CODES, false), `read of ${probes[index]!.operationId} by ${client.tenant}`);
  }
  if (result.data === null) return; // every alias is nullable: data null means the request itself failed (counted above)
  probes.forEach((probe, i) => {
    if (failed.has(i)) return;
    const value = read.valueOf(result.data!, i);
    if (value === null) {
      if (probe.expect === 'exists') run.violations.add('an operation answered as created reads as null', `${client.tenant} read ${probe.connectionId}/${probe.operationId}`);
      return;
    }
    const op = asOperation(value);
    if (!op) {
      countError(run, OP, { class: 'other', code: 'BAD_DATA', reason: 'the answer for a key is not an operation (or its global id is not its own)' }, `read of ${probe.operationId}`);
      return;
    }
    run.tenancy.check(client.tenant, op.operationId, 'read by key');
    if (op.operationId !== probe.operationId || op.connectionId !== probe.connectionId) {
      run.violations.add('a read by key answered with another operation', `asked ${probe.connectionId}/${probe.operationId}, got ${op.connectionId}/${op.operationId}`);
    } else if (probe.expect === 'absent') {
      run.violations.add('a read by key found an operation that must not be visible', `${client.tenant} read ${probe.connectionId}/${probe.operationId} (${probe.why})`);
    } else if (op.etag !== null) {
      rememberEtag(client, probe, op.etag);
    }
  });
}
