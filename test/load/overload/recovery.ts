/**
 * Recovery after the load, measured from the moment the clients left:
 *
 * - time to recover: a plain single read is sent again and again (every PROBE_INTERVAL_MS, each with its
 *   own client-request-id prefix so the upstream can tell it from the load) until one is answered with
 *   data; the time from the end of the load to that answer is the recovery time;
 * - backlog: the requests the upstream receives from the gateway between BACKLOG_FROM_MS and BACKLOG_TO_MS
 *   after the end, other than the probe's. The issue asks that within 2 s of the end of the load no
 *   backlog is being worked off: a gateway that queued work for clients who have left would still be
 *   sending it then; one that dropped it sends nothing. What arrives in the first 2 s (calls on their way
 *   as the clients left, requests the departed clients left in their sockets, cut short by their abort
 *   signals) is reported, not bounded.
 */
import { classifyAnswer } from './classify.js';
import type { GatewayClient } from './http.js';
import type { CountedUpstream } from './upstream.js';
import type { PreparedRead } from './workload.js';

export const PROBE_REQUEST_ID_PREFIX = 'overload-probe-';
export const BACKLOG_FROM_MS = 2000;
export const BACKLOG_TO_MS = 3000;
const PROBE_INTERVAL_MS = 50;
/** One probe's own patience (the timeout of the client the probes are sent with). */
export const PROBE_TIMEOUT_MS = 5000;
/** Stop probing then: the gateway has not recovered at all. */
const GIVE_UP_MS = 10_000;

export interface RecoveryReport {
  /** From the end of the load to the first probe answered with data; undefined: not within GIVE_UP_MS. */
  recoveredMs: number | undefined;
  probes: number;
  /** What the probes before the first success got (verdict kind, or what went wrong) → count. */
  failedProbes: Map<string, number>;
  /** Non-probe upstream requests in [0, BACKLOG_FROM_MS) after the end (in flight as the clients left). */
  upstreamUnwinding: number;
  /** Non-probe upstream requests in [BACKLOG_FROM_MS, BACKLOG_TO_MS) after the end: the backlog. */
  upstreamBacklog: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `http`: a client whose timeout is PROBE_TIMEOUT_MS. */
export async function measureRecovery(http: GatewayClient, probe: PreparedRead, upstream: CountedUpstream, loadEndedAt: number): Promise<RecoveryReport> {
  let recoveredMs: number | undefined;
  let probes = 0;
  const failedProbes = new Map<string, number>();
  while (recoveredMs === undefined && performance.now() - loadEndedAt < GIVE_UP_MS) {
    probes += 1;
    const exchange = await http.post(probe.body, undefined, { 'client-request-id': `${PROBE_REQUEST_ID_PREFIX}${probes}` });
    const outcome = exchange.kind === 'answer' ? classifyAnswer(exchange, probe).kind : exchange.kind === 'hang' ? `no answer in ${PROBE_TIMEOUT_MS} ms` : exchange.kind;
    if (outcome === 'full') recoveredMs = performance.now() - loadEndedAt;
    else {
      failedProbes.set(outcome, (failedProbes.get(outcome) ?? 0) + 1);
      await sleep(PROBE_INTERVAL_MS);
    }
  }
  const windowEnd = loadEndedAt + BACKLOG_TO_MS;
  const wait = windowEnd - performance.now();
  if (wait > 0) await sleep(wait + 50);
  return {
    recoveredMs,
    probes,
    failedProbes,
    upstreamUnwinding: upstream.arrivalsBetween(loadEndedAt, loadEndedAt + BACKLOG_FROM_MS),
    upstreamBacklog: upstream.arrivalsBetween(loadEndedAt + BACKLOG_FROM_MS, windowEnd),
  };
}
