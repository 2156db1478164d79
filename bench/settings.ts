/**
 * Run lengths of the bench, from the environment. The defaults keep `npm run bench` under ten minutes on a
 * 2-core machine:
 *
 * - BENCH_DURATION_S (default 3): measured seconds of each timed load run;
 * - BENCH_WARMUP_S (default 1): unmeasured seconds per (row, path) before its first measured run;
 * - BENCH_ROUNDS (default 3): measured runs per (row, path), interleaved with the other paths of the row;
 * - BENCH_TREE_REQUESTS (default 100000): the `npm start` memory scenario's 1× load (3× is measured too);
 * - BENCH_MEMORY_LOAD_S (default 20): seconds of load on the gateway process after GraphiQL (scenario 5);
 * - BENCH_SHORT=1: a smoke run of every scenario in about 90 s (1 s runs, 1 round, 5000 tree requests, 5 s of
 *   load after GraphiQL);
 *   the variables above still override it;
 * - BENCH_PROFILE=1: write and summarise a CPU profile of the gateway.
 */

type Env = Record<string, string | undefined>;

function whole(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`Invalid ${name}=${JSON.stringify(raw)}: expected a whole number from 1 to ${max}.`);
  }
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`Invalid ${name}=${JSON.stringify(raw)}: expected 1 (on) or 0 (off).`);
}

export interface BenchSettings {
  /** BENCH_SHORT=1: every scenario, with smoke-test run lengths. */
  short: boolean;
  /** Measured seconds of each autocannon run. */
  durationS: number;
  /** Unmeasured seconds per (row, path) before its first measured run (keep-alive pools at this concurrency). */
  warmupS: number;
  /** Measured runs per (row, path); the paths of a row take turns, so drift of the machine hits all alike. */
  rounds: number;
  /** Unmeasured seconds per (query, path) once before scenario 2, so no path is measured with cold JIT. */
  primeS: number;
  /** Concurrencies of scenario 2. */
  concurrencies: readonly number[];
  /** Sequential requests per mode in scenario 3, after `batchWarmup` unmeasured ones. */
  batchRequests: number;
  batchWarmup: number;
  /** Scenario 4: requests of the 1× load on the `npm start` tree; memory is read after 1× and `treeLoadFactor`×. */
  treeRequests: number;
  treeLoadFactor: number;
  /** Scenarios 4 and 5: client connections of their load. */
  treeConcurrency: number;
  /** Scenario 5: seconds of load on the gateway process after it has served GraphiQL. */
  memoryLoadS: number;
  /** Scenario 6: write and summarise a CPU profile of the gateway. */
  profile: boolean;
}

export function loadSettings(env: Env = process.env): BenchSettings {
  const short = flag(env, 'BENCH_SHORT');
  return {
    short,
    durationS: whole(env, 'BENCH_DURATION_S', short ? 1 : 3, 600),
    warmupS: whole(env, 'BENCH_WARMUP_S', 1, 600),
    rounds: whole(env, 'BENCH_ROUNDS', short ? 1 : 3, 50),
    primeS: short ? 1 : 2,
    concurrencies: [1, 10, 32],
    batchRequests: short ? 10 : 50,
    batchWarmup: short ? 3 : 10,
    treeRequests: whole(env, 'BENCH_TREE_REQUESTS', short ? 5_000 : 100_000, 10_000_000),
    treeLoadFactor: 3,
    treeConcurrency: 10,
    memoryLoadS: whole(env, 'BENCH_MEMORY_LOAD_S', short ? 5 : 20, 600),
    profile: flag(env, 'BENCH_PROFILE'),
  };
}
