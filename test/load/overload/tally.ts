/**
 * What the clients saw: every exchange lands in exactly one count, latencies are kept apart for admitted
 * requests and for refusals (a refusal must be immediate, an admitted request only within the deadline),
 * and anything outside the contract is also a violation with its example.
 *
 * Latencies are kept whole (a number each: a few hundred thousand at most, a few MB), so the percentiles
 * and the maximum are exact: the maximum is what a deadline bound is about, and sampling could miss it.
 */
import type { Violations } from '../violations.js';
import { classifyAnswer } from './classify.js';
import type { Exchange } from './http.js';
import type { PreparedRead, ReadShape } from './workload.js';

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { count: sorted.length, p50: Math.round(at(50)), p99: Math.round(at(99)), max: Math.round(sorted[sorted.length - 1]!) };
}

export interface ShapeCounts {
  sent: number;
  full: number;
}

export class LoadTally {
  sent = 0;
  full = 0;
  partial = 0;
  noData = 0;
  refused = 0;
  refusedWithRetryAfter = 0;
  /** Answers outside the contract (see classify.ts). */
  other = 0;
  hangs = 0;
  transportFailures = 0;
  /** Aborted by their client when the load ended. */
  left = 0;
  /** GraphQL errors by code, and how many requests carried at least one of that code. */
  readonly codes = new Map<string, { errors: number; requests: number }>();
  readonly byShape = new Map<ReadShape, ShapeCounts>();
  /** Client-side latency of every answer that was not an admission refusal, ms. */
  readonly admittedMs: number[] = [];
  /** Client-side latency of every admission refusal, ms. */
  readonly refusedMs: number[] = [];
  /** How long the requests aborted at the end had been waiting, ms. */
  readonly leftMs: number[] = [];

  constructor(private readonly violations: Violations) {}

  record(prepared: PreparedRead, exchange: Exchange): void {
    this.sent += 1;
    const shape = this.byShape.get(prepared.shape) ?? { sent: 0, full: 0 };
    this.byShape.set(prepared.shape, shape);
    shape.sent += 1;
    switch (exchange.kind) {
      case 'left':
        this.left += 1;
        this.leftMs.push(exchange.ms);
        return;
      case 'hang':
        this.hangs += 1;
        this.violations.add('no answer within the client timeout (hang)', `${prepared.shape}: ${Math.round(exchange.ms)} ms without an answer`);
        return;
      case 'transport':
        this.transportFailures += 1;
        this.violations.add('the connection to the gateway failed', `${prepared.shape}: ${exchange.message}`);
        return;
      case 'answer':
        break;
    }
    const verdict = classifyAnswer(exchange, prepared);
    if (verdict.kind === 'refused') {
      this.refused += 1;
      if (verdict.retryAfterHeader) this.refusedWithRetryAfter += 1;
      this.refusedMs.push(exchange.ms);
      return;
    }
    this.admittedMs.push(exchange.ms);
    switch (verdict.kind) {
      case 'full':
        this.full += 1;
        shape.full += 1;
        return;
      case 'partial':
      case 'no-data':
        if (verdict.kind === 'partial') this.partial += 1;
        else this.noData += 1;
        this.countCodes(verdict.codes);
        return;
      case 'other':
        this.other += 1;
        this.violations.add('an answer outside the contract', `${prepared.shape}, after ${Math.round(exchange.ms)} ms: ${verdict.reason}`);
        return;
    }
  }

  private countCodes(codes: readonly string[]): void {
    for (const code of codes) {
      const entry = this.codes.get(code) ?? { errors: 0, requests: 0 };
      entry.errors += 1;
      this.codes.set(code, entry);
    }
    for (const code of new Set(codes)) this.codes.get(code)!.requests += 1;
  }
}
