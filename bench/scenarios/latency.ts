/**
 * Scenario 2 (measurement): throughput, latency and CPU per request of the same reads through the gateway, a
 * second gateway in the gateway's own process with METRICS=off (what Prometheus metrics cost, issue 13), the
 * bare graphql-js reference server (bare.ts: what a Node GraphQL server costs), a pass-through proxy (the
 * floor of any Node gateway), and straight at the upstream.
 *
 * Before measuring, each GraphQL server answers the query once: all must make the same single upstream GET
 * and answer the same data. The proxy and the direct runs replay that GET (taken from the upstream's log), so
 * the paths differ only in what sits between client and upstream. Within a row (query, concurrency) the paths
 * take turns, round after round, each round starting with another path, so slow drift of the machine hits all
 * of them alike. Comparison and formatting: latency-report.ts.
 */
import type { BenchChild } from '../children.js';
import { GRAPHQL_HEADERS, getJson, graphqlBody, graphqlData, postGraphQL } from '../http.js';
import { type LoadResult, type LoadTarget, runLoad } from '../load.js';
import type { CpuReport } from '../protocol.js';
import type { BenchSettings } from '../settings.js';
import { rotate } from '../stats.js';
import { LIST_QUERY, SINGLE_QUERY } from '../workload.js';

/** `gateway-nometrics`: a gateway with METRICS=off, against which `gateway` (METRICS=on) is costed. */
export type TargetName = 'gateway' | 'gateway-nometrics' | 'bare' | 'proxy' | 'direct';
/** Every path of a row, in the order of the first round. */
export const TARGETS: readonly TargetName[] = ['gateway', 'gateway-nometrics', 'bare', 'proxy', 'direct'];

export interface Workload {
  name: string;
  targets: Record<TargetName, LoadTarget>;
}

/** One measured run of one path. */
export interface Run {
  result: LoadResult;
  /** CPU time (user + system) the process serving the path used during the run, µs. */
  cpuMicros: number;
  /** CPU time the upstream used during the run, µs (the same process as above for `direct`). */
  upstreamCpuMicros: number;
  /** Upstream HTTP requests during the run. */
  upstreamRequests: number;
}

export interface Measurement {
  workload: string;
  concurrency: number;
  target: TargetName;
  /** One per round, in the order they ran. */
  runs: Run[];
}

export interface Processes {
  upstream: BenchChild;
  /** The gateway, every setting at its default. */
  gateway: BenchChild;
  /** The same gateway with METRICS=off, served by the gateway's process. */
  gatewayNoMetrics: BenchChild;
  /** The bare graphql-js reference server. */
  bare: BenchChild;
  proxy: BenchChild;
}

export type Progress = (line: string) => void;

/** The process that serves a path, whose CPU time is that path's cost. */
function servingChild(target: TargetName, processes: Processes): BenchChild {
  switch (target) {
    case 'direct':
      return processes.upstream;
    case 'gateway-nometrics':
      return processes.gatewayNoMetrics;
    default:
      return processes[target];
  }
}

/**
 * Runs the query once through each GraphQL server (the gateway, its twin, the bare server), checks that every
 * one made the same single upstream GET and answered the same data, and that the proxy and the upstream answer
 * that GET identically.
 */
async function prepareWorkload(name: string, query: string, processes: Processes): Promise<Workload> {
  const probes: Array<{ label: string; data: string; upstreamPath: string }> = [];
  for (const server of [processes.gateway, processes.gatewayNoMetrics, processes.bare]) {
    await processes.upstream.call('stats');
    const probe = graphqlData(await postGraphQL(server.url, query));
    if (!probe.ok) throw new Error(`${name}: ${server.label} did not answer the probe cleanly: ${probe.problem}`);
    const stats = await processes.upstream.call('stats');
    const upstreamPath = stats.recentUrls.at(-1);
    if (stats.httpRequests !== 1 || stats.gets !== 1 || upstreamPath === undefined) {
      throw new Error(`${name}: expected ${server.label} to make exactly one upstream GET, saw ${stats.httpRequests} requests (${stats.gets} GETs)`);
    }
    probes.push({ label: server.label, data: JSON.stringify(probe.data), upstreamPath });
  }
  const [first, ...others] = probes;
  if (!first) throw new Error(`${name}: no probe`);
  for (const other of others) {
    if (other.data !== first.data || other.upstreamPath !== first.upstreamPath) {
      // The bare server builds its GETs and its answer by hand (bench/bare.ts): it follows the gateway's.
      throw new Error(
        `${name}: ${first.label} and ${other.label} differ: upstream ${first.upstreamPath} vs ${other.upstreamPath}, data ${first.data} vs ${other.data}`,
      );
    }
  }
  const upstreamPath = first.upstreamPath;
  const upstreamOrigin = new URL(processes.upstream.url).origin;
  const direct = await getJson(`${upstreamOrigin}${upstreamPath}`);
  const proxied = await getJson(`${processes.proxy.url}${upstreamPath}`);
  if (direct.status !== 200 || proxied.status !== 200 || JSON.stringify(direct.body) !== JSON.stringify(proxied.body)) {
    throw new Error(`${name}: proxy and upstream disagree on ${upstreamPath} (HTTP ${proxied.status} vs ${direct.status})`);
  }
  const post = (gateway: BenchChild): LoadTarget => ({ url: `${gateway.url}/graphql`, method: 'POST', headers: { ...GRAPHQL_HEADERS }, body: graphqlBody(query) });
  const get = (origin: string): LoadTarget => ({ url: `${origin}${upstreamPath}`, method: 'GET', headers: { accept: 'application/json' } });
  return {
    name,
    targets: {
      gateway: post(processes.gateway),
      'gateway-nometrics': post(processes.gatewayNoMetrics),
      bare: post(processes.bare),
      proxy: get(processes.proxy.url),
      direct: get(upstreamOrigin),
    },
  };
}

export async function prepareWorkloads(processes: Processes): Promise<Workload[]> {
  return [
    await prepareWorkload('single by key', SINGLE_QUERY, processes),
    await prepareWorkload('list first: 10', LIST_QUERY, processes),
  ];
}

/** Concurrency of the prime: high enough to get every hot path optimised by the JIT. */
const PRIME_CONCURRENCY = 8;

/**
 * Runs every (query, path) once, unmeasured. Without it the first measured path of each process pays for
 * JIT compilation inside its numbers.
 */
export async function primeAll(workloads: readonly Workload[], settings: BenchSettings, progress: Progress): Promise<void> {
  for (const workload of workloads) {
    for (const target of TARGETS) {
      progress(`prime: ${workload.name}, ${target}`);
      await runLoad(workload.targets[target], PRIME_CONCURRENCY, settings.primeS);
    }
  }
}

const busyMicros = (before: CpuReport, after: CpuReport) => after.user - before.user + (after.system - before.system);

/** One measured run; the CPU counters are read over IPC right before and right after it. */
async function measureRun(target: TargetName, load: LoadTarget, concurrency: number, durationS: number, processes: Processes): Promise<Run> {
  const server = servingChild(target, processes);
  const { upstream } = processes;
  await upstream.call('stats'); // start the count from zero
  const [serverBefore, upstreamBefore] = await Promise.all([server.call('cpu'), upstream.call('cpu')]);
  const result = await runLoad(load, concurrency, durationS);
  const [serverAfter, upstreamAfter] = await Promise.all([server.call('cpu'), upstream.call('cpu')]);
  const stats = await upstream.call('stats');
  return {
    result,
    cpuMicros: busyMicros(serverBefore, serverAfter),
    upstreamCpuMicros: busyMicros(upstreamBefore, upstreamAfter),
    upstreamRequests: stats.httpRequests,
  };
}

/**
 * For each row (query, concurrency): an unmeasured warm-up of every path, then `settings.rounds` rounds in
 * which every path runs once, the order rotating from round to round.
 */
export async function measureLoad(workloads: readonly Workload[], settings: BenchSettings, processes: Processes, progress: Progress): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const workload of workloads) {
    for (const concurrency of settings.concurrencies) {
      const row = `${workload.name}, c=${concurrency}`;
      const runs = new Map<TargetName, Run[]>(TARGETS.map((target) => [target, []]));
      progress(`${row}: warm-up of every path`);
      for (const target of TARGETS) await runLoad(workload.targets[target], concurrency, settings.warmupS);
      for (let round = 0; round < settings.rounds; round++) {
        const order = rotate(TARGETS, round);
        progress(`${row}: round ${round + 1}/${settings.rounds} (${order.join(', ')})`);
        for (const target of order) {
          runs.get(target)!.push(await measureRun(target, workload.targets[target], concurrency, settings.durationS, processes));
        }
      }
      for (const target of TARGETS) measurements.push({ workload: workload.name, concurrency, target, runs: runs.get(target)! });
    }
  }
  return measurements;
}
