/**
 * One fixed-duration load run with autocannon's programmatic API, in this (the parent) process.
 *
 * Latency percentiles are computed here from every response's own time (fractional ms) rather than taken
 * from autocannon's histogram, which has whole-millisecond resolution: on loopback most answers take less
 * than a millisecond, and a ratio of two rounded values would be noise.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** ms */
  p50: number;
  /** ms */
  p99: number;
  /** 2xx responses per second over the run. */
  rps: number;
  /** 2xx responses. */
  ok: number;
  /** Errors, timeouts and non-2xx answers: any of these makes the run suspect. */
  failures: number;
  durationS: number;
}

export function runLoad(target: LoadTarget, connections: number, durationS: number): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method,
        ...(target.headers ? { headers: target.headers } : {}),
        ...(target.body !== undefined ? { body: target.body } : {}),
        connections,
        pipelining: 1,
        duration: durationS,
        timeout: 10,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const durationSeconds = result.duration > 0 ? result.duration : durationS;
        resolve({
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          rps: latencies.length / durationSeconds,
          ok: latencies.length,
          failures: result.errors + result.timeouts + result.non2xx,
          durationS: durationSeconds,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

export interface MixResult {
  /** 2xx responses whose body `check` accepted. */
  ok: number;
  /** 2xx responses whose body `check` refused (e.g. a GraphQL error instead of data). */
  rejected: number;
  /** Errors, timeouts and non-2xx answers. */
  failures: number;
  /** Requests answered per second, whatever the answer. */
  rps: number;
  durationS: number;
}

/** How much a mixed run sends: exactly `amount` requests, or as many as `durationS` seconds take. */
export type MixLimit = { amount: number } | { durationS: number };

/**
 * A run of `limit` over `connections` connections, each connection cycling through `targets` (which must
 * share one URL: autocannon varies method, headers and body per request, not the address). Every 2xx body
 * goes through `check`.
 */
export function runMix(
  url: string,
  targets: readonly Omit<LoadTarget, 'url'>[],
  connections: number,
  limit: MixLimit,
  check: (body: string) => boolean,
): Promise<MixResult> {
  let ok = 0;
  let rejected = 0;
  const onResponse = (status: number, body: string) => {
    if (status < 200 || status >= 300) return;
    if (check(body)) ok++;
    else rejected++;
  };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        // autocannon refuses more connections than requests
        ...('amount' in limit ? { amount: limit.amount, connections: Math.min(connections, limit.amount) } : { duration: limit.durationS, connections }),
        pipelining: 1,
        timeout: 10,
        requests: targets.map((target) => ({
          method: target.method,
          ...(target.headers ? { headers: target.headers } : {}),
          ...(target.body !== undefined ? { body: target.body } : {}),
          onResponse,
        })),
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const failures = result.errors + result.timeouts + result.non2xx;
        resolve({ ok, rejected, failures, rps: result.duration > 0 ? (ok + rejected + failures) / result.duration : Number.NaN, durationS: result.duration });
      },
    );
  });
}
