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
