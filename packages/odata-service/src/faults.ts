/**
 * Test fault injection: rules checked in order before a request (top-level or `$batch` part) is routed.
 * The first matching rule that has uses left (or whose probability fires) is consumed and its fault
 * applied. This module only decides WHICH fault applies; service.ts and batch.ts apply it.
 *
 * `status`, `malformed` and `drop` replace the request: it is NOT executed (a faulted POST creates
 * nothing). `drop-after-commit` executes it and then loses the answer. `latency` delays, then executes.
 * `location` executes it and sends the answer with its `Location` header replaced: Graph's answer to a
 * schema registration or a connection deletion names where to look, and a client must check that place
 * before it goes there (a test's hostile Location: another origin, another connection, a climb).
 * The global latency (`latency(ms)`) applies to top-level requests only (a `$batch` is delayed once).
 */
import { badRequest } from './errors.js';

export type FaultKind =
  | { type: 'status'; status: 429 | 503 | 500 | 502 | 504 | number; retryAfter?: number } // Graph-style error body, Retry-After header (seconds) when given
  | { type: 'malformed' } // 200 with a body that is not valid JSON
  | { type: 'drop' } // destroy the socket without answering (for a batch part: drop the whole batch connection)
  | { type: 'drop-after-commit' } // perform the write, then destroy the socket (outcome unknown for the client)
  | { type: 'latency'; ms: number } // delay this one answer
  | { type: 'location'; location: string }; // perform the request, answer with this Location header (set or replaced)

export interface FaultRule {
  fault: FaultKind;
  /** How many matching requests it applies to (default 1; Infinity allowed; Infinity by default with `probability`). */
  times?: number;
  /**
   * `path` is matched against the raw path AFTER basePath, e.g. '/connections/c1/operations' (a string
   * must be equal, a RegExp must match); `batchPart` true = only parts inside `$batch`, false = only
   * top-level HTTP requests, undefined = both. `method` is compared case-insensitively.
   */
  match?: { method?: string; path?: RegExp | string; batchPart?: boolean };
  /** 0..1: apply randomly to matching requests (for load tests). */
  probability?: number;
}

/** What a request looks like to the matcher. */
export interface FaultTarget {
  method: string;
  /** Raw path after basePath ('/' for the service root). */
  path: string;
  batchPart: boolean;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

/** The longest Location a `location` fault sends. */
const MAX_LOCATION_LENGTH = 8192;

function validateFault(fault: FaultKind): void {
  switch (fault.type) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599) {
        throw new TypeError(`Fault status must be an integer from 400 to 599, received ${String(fault.status)}.`);
      }
      if (fault.retryAfter !== undefined && !(Number.isInteger(fault.retryAfter) && fault.retryAfter >= 0)) {
        throw new TypeError(`Fault retryAfter must be a non-negative integer (seconds), received ${String(fault.retryAfter)}.`);
      }
      return;
    case 'latency':
      if (!(Number.isFinite(fault.ms) && fault.ms >= 0)) throw new TypeError(`Fault latency ms must be a non-negative number, received ${String(fault.ms)}.`);
      return;
    case 'location':
      // A header value node will send: tabs and bytes 0x20-0x7e, 0x80-0xff only (no line breaks), and short
      // enough to be one. Anything else would fail the answer at write time, not at add().
      if (typeof fault.location !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(fault.location) || fault.location.length > MAX_LOCATION_LENGTH) {
        throw new TypeError(`Fault location must be a header value (at most ${MAX_LOCATION_LENGTH} characters, no control characters or line breaks), received ${JSON.stringify(fault.location)}.`);
      }
      return;
    case 'malformed':
    case 'drop':
    case 'drop-after-commit':
      return;
    default: {
      const unknown: { type?: unknown } = fault;
      throw new TypeError(`Unknown fault type ${JSON.stringify(unknown.type)}; expected status, malformed, drop, drop-after-commit, latency or location.`);
    }
  }
}

/** Checks a rule up front, so a typo in a test fails at `add()` rather than silently never matching. */
export function validateRule(rule: FaultRule): void {
  if (typeof rule !== 'object' || rule === null || typeof rule.fault !== 'object' || rule.fault === null) {
    throw new TypeError('A fault rule must be an object with a `fault` object.');
  }
  validateFault(rule.fault);
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new TypeError(`Fault probability must be within 0..1, received ${String(rule.probability)}.`);
  }
  if (rule.times !== undefined && !(rule.times === Infinity || (Number.isInteger(rule.times) && rule.times >= 1))) {
    throw new TypeError(`Fault times must be a positive integer or Infinity, received ${String(rule.times)}.`);
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  const match = rule.match;
  if (!match) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (match.batchPart !== undefined && match.batchPart !== target.batchPart) return false;
  if (match.path !== undefined) {
    if (typeof match.path === 'string') return match.path === target.path;
    match.path.lastIndex = 0; // a /g or /y RegExp would otherwise carry state between requests
    return match.path.test(target.path);
  }
  return true;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private globalLatencyMs = 0;

  add(rule: FaultRule): void {
    validateRule(rule);
    const remaining = rule.times ?? (rule.probability !== undefined ? Infinity : 1);
    this.rules.push({ rule, remaining });
  }

  /** Latency added to every top-level response until reset (0 stops it). */
  latency(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new TypeError(`Latency must be a non-negative number of milliseconds, received ${String(ms)}.`);
    this.globalLatencyMs = ms;
  }

  get latencyMs(): number {
    return this.globalLatencyMs;
  }

  reset(): void {
    this.rules = [];
    this.globalLatencyMs = 0;
  }

  /** Finds, consumes and returns the fault for one request, if any. */
  take(target: FaultTarget, random: () => number = Math.random): FaultKind | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0 || !matches(active.rule, target)) continue;
      if (active.rule.probability !== undefined && !(random() < active.rule.probability)) continue;
      active.remaining -= 1;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return active.rule.fault;
    }
    return undefined;
  }
}

function field(value: Record<string, unknown>, key: string): unknown {
  return value[key];
}

/**
 * A rule from JSON (control endpoint): `path` is a string compared for equality, `pathRegex` a regular
 * expression source, `times` a number or the string "Infinity". Errors are 400s.
 */
export function faultRuleFromJson(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('A fault rule must be a JSON object.');
  const json = value as Record<string, unknown>;
  const fault = field(json, 'fault');
  if (typeof fault !== 'object' || fault === null) throw badRequest('A fault rule needs a `fault` object, e.g. {"fault":{"type":"status","status":503}}.');
  const rule: FaultRule = { fault: fault as FaultKind };
  const times = field(json, 'times');
  if (times === 'Infinity') rule.times = Infinity;
  else if (typeof times === 'number') rule.times = times;
  else if (times !== undefined && times !== null) throw badRequest('`times` must be a number or "Infinity".');
  const probability = field(json, 'probability');
  if (typeof probability === 'number') rule.probability = probability;
  const match = field(json, 'match');
  if (typeof match === 'object' && match !== null) {
    const m = match as Record<string, unknown>;
    rule.match = {};
    if (typeof m['method'] === 'string') rule.match.method = m['method'];
    if (typeof m['batchPart'] === 'boolean') rule.match.batchPart = m['batchPart'];
    if (typeof m['path'] === 'string') rule.match.path = m['path'];
    if (typeof m['pathRegex'] === 'string') {
      try {
        rule.match.path = new RegExp(m['pathRegex']);
      } catch {
        throw badRequest(`\`pathRegex\` is not a valid regular expression: ${m['pathRegex']}`);
      }
    }
  }
  try {
    validateRule(rule);
  } catch (error) {
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
  return rule;
}
