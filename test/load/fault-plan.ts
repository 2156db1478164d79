/**
 * The faults injected during the run: every kind the embedded service knows, as `probability` rules, on
 * every kind of upstream request the gateway makes (reads by key, top-level and as `$batch` parts; list
 * pages; creates; updates; the `$batch` request itself). The overall rate is spread over the kinds by
 * weight, so each request has about `rate` chance of some fault.
 *
 * The service keeps no tally of the faults it applies, so each rule is wrapped to count its own
 * applications (see {@link countingRule}); the count is a number of fault decisions (in a `$batch` with a
 * `drop` on one part, the other parts' decisions are counted though the whole batch is dropped).
 */
import type { FaultKind, FaultRule, ODataService } from '@odata-gateway/odata-service';

/**
 * Well beyond the gateway's upstream timeout of the run (1000 ms), so it always times out: undici enforces
 * timeouts of a second or more with a coarse timer (they fire between 1.0 and 1.5 s), so 1500 would not.
 */
export const SLOW_FAULT_MS = 2500;
/** Within the timeout: only slows the answer down. */
export const MILD_LATENCY_MS = 150;

interface WeightedFault {
  label: string;
  fault: FaultKind;
  weight: number;
}

const FAULT_MIX: readonly WeightedFault[] = [
  { label: '429 Retry-After 0', fault: { type: 'status', status: 429, retryAfter: 0 }, weight: 12 },
  { label: '429 Retry-After 1', fault: { type: 'status', status: 429, retryAfter: 1 }, weight: 8 },
  { label: '503 Retry-After 1', fault: { type: 'status', status: 503, retryAfter: 1 }, weight: 8 },
  { label: '503 no Retry-After', fault: { type: 'status', status: 503 }, weight: 10 },
  { label: '500', fault: { type: 'status', status: 500 }, weight: 10 },
  { label: 'malformed', fault: { type: 'malformed' }, weight: 10 },
  { label: 'drop', fault: { type: 'drop' }, weight: 12 },
  { label: 'drop-after-commit', fault: { type: 'drop-after-commit' }, weight: 12 },
  { label: `latency ${SLOW_FAULT_MS} ms (> timeout)`, fault: { type: 'latency', ms: SLOW_FAULT_MS }, weight: 10 },
  { label: `latency ${MILD_LATENCY_MS} ms`, fault: { type: 'latency', ms: MILD_LATENCY_MS }, weight: 8 },
];

/** Paths are matched after the service's base path (e.g. `/connections/c/operations/x`). */
const TARGETS: ReadonlyArray<{ label: string; match: NonNullable<FaultRule['match']> }> = [
  // Both top-level GETs and `$batch` parts (batchPart left open).
  { label: 'read by key', match: { method: 'GET', path: /^\/connections\/[^/]+\/operations\/[^/]+$/ } },
  { label: 'list page', match: { method: 'GET', path: /^\/connections\/[^/]+\/operations$/, batchPart: false } },
  { label: 'create', match: { method: 'POST', path: /^\/connections\/[^/]+\/operations$/, batchPart: false } },
  { label: 'update', match: { method: 'PATCH', batchPart: false } },
  { label: '$batch', match: { method: 'POST', path: '/$batch', batchPart: false } },
];

/** Faults applied, by target and fault label. */
export class FaultTally {
  readonly byTarget = new Map<string, number>();
  readonly byFault = new Map<string, number>();
  total = 0;

  count(target: string, fault: string): void {
    this.total += 1;
    this.byTarget.set(target, (this.byTarget.get(target) ?? 0) + 1);
    this.byFault.set(fault, (this.byFault.get(fault) ?? 0) + 1);
  }
}

/**
 * A copy of `rule` whose `fault` getter counts. The injector reads `rule.fault` while validating the rule
 * in `add()` and then exactly once per application (when `take()` returns it); the counter is armed only
 * after `add()`, so only applications count.
 */
function countingRule(rule: FaultRule, onApplied: () => void): { rule: FaultRule; arm(): void } {
  let armed = false;
  const counted: FaultRule = { ...rule };
  Object.defineProperty(counted, 'fault', {
    enumerable: true,
    get(): FaultKind {
      if (armed) onApplied();
      return rule.fault;
    },
  });
  return { rule: counted, arm: () => (armed = true) };
}

/** Installs the plan on the service; returns the tally it fills. */
export function installFaults(service: ODataService, rate: number): FaultTally {
  const tally = new FaultTally();
  if (rate <= 0) return tally;
  const totalWeight = FAULT_MIX.reduce((sum, f) => sum + f.weight, 0);
  for (const target of TARGETS) {
    for (const entry of FAULT_MIX) {
      // Rules are tried in order, each with its own draw; at these small rates the chances simply add up.
      const probability = (rate * entry.weight) / totalWeight;
      const { rule, arm } = countingRule({ fault: entry.fault, match: target.match, probability }, () => tally.count(target.label, entry.label));
      service.faults.add(rule);
      arm();
    }
  }
  return tally;
}
