/**
 * Run lengths of the bench. The defaults keep `npm run bench` under three minutes on a 2-core machine;
 * BENCH_DURATION_S / BENCH_WARMUP_S lengthen or shorten every timed load run.
 */

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 600) {
    throw new Error(`Invalid ${name}=${JSON.stringify(raw)}: expected a whole number of seconds from 1 to 600.`);
  }
  return value;
}

export interface BenchSettings {
  /** Measured seconds of each autocannon run. */
  durationS: number;
  /** Unmeasured seconds before each run (keep-alive pools at this concurrency). */
  warmupS: number;
  /** Unmeasured seconds per (query, path) once before scenario 2, so no path is measured with cold JIT. */
  primeS: number;
  /** Concurrencies of scenario 2. */
  concurrencies: readonly number[];
  /** Sequential requests per mode in scenario 3, after `batchWarmup` unmeasured ones. */
  batchRequests: number;
  batchWarmup: number;
  /** Scenario 4 measures memory after the scenario-2 gateway load, and again after this many times it. */
  memoryLoadFactor: number;
  /** Scenario 5: write and summarise a CPU profile of the gateway. */
  profile: boolean;
}

export function loadSettings(): BenchSettings {
  return {
    durationS: seconds('BENCH_DURATION_S', 4),
    warmupS: seconds('BENCH_WARMUP_S', 1),
    primeS: 2,
    concurrencies: [1, 32],
    batchRequests: 50,
    batchWarmup: 10,
    memoryLoadFactor: 3,
    profile: process.env.BENCH_PROFILE === '1',
  };
}
