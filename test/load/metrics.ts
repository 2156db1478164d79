/**
 * Client-side counters of the run: GraphQL requests and their latency per operation kind, and GraphQL
 * error codes per operation kind. Latencies are kept as a bounded reservoir sample, so memory stays flat
 * however long the run.
 */

export type OpKind = 'create' | 'create (generated id)' | 'create retry' | 'read by key' | 'list' | 'update';

const RESERVOIR_SIZE = 4096;

class LatencySample {
  private readonly values: number[] = [];
  private seen = 0;

  add(ms: number): void {
    this.seen += 1;
    if (this.values.length < RESERVOIR_SIZE) this.values.push(ms);
    else {
      // Reservoir sampling: every value seen has the same chance to be kept.
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < RESERVOIR_SIZE) this.values[slot] = ms;
    }
  }

  percentile(p: number): number {
    if (this.values.length === 0) return 0;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }
}

export interface OpStats {
  requests: number;
  /** GraphQL errors by code (a request with several aliases can have several). */
  codes: Map<string, number>;
  latency: LatencySample;
}

export class Metrics {
  readonly ops = new Map<OpKind, OpStats>();
  /** Keyed reads asked for (aliases), across all read requests. */
  keyedReads = 0;
  /** Nodes received from lists. */
  listNodes = 0;

  private stats(op: OpKind): OpStats {
    let stats = this.ops.get(op);
    if (!stats) {
      stats = { requests: 0, codes: new Map(), latency: new LatencySample() };
      this.ops.set(op, stats);
    }
    return stats;
  }

  request(op: OpKind, ms: number): void {
    const stats = this.stats(op);
    stats.requests += 1;
    stats.latency.add(ms);
  }

  error(op: OpKind, code: string): void {
    const codes = this.stats(op).codes;
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }

  get totalRequests(): number {
    let sum = 0;
    for (const stats of this.ops.values()) sum += stats.requests;
    return sum;
  }
}
