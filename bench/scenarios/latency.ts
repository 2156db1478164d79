/**
 * Scenario 2: latency and throughput of the same reads through the gateway, through a pass-through proxy
 * (the floor of any Node gateway), and straight at the upstream.
 *
 * The proxy and the direct runs replay the exact upstream request the gateway made for the query (taken
 * from the upstream's log), so the three paths differ only in what sits between client and upstream.
 * Targets are interleaved per (query, concurrency) so slow drift of the machine hits all three alike.
 */
import type { BenchChild } from '../children.js';
import { type Column, heading, markdownTable, ms, times } from '../format.js';
import { GRAPHQL_HEADERS, getJson, graphqlBody, graphqlData, postGraphQL } from '../http.js';
import { type LoadResult, type LoadTarget, runLoad } from '../load.js';
import type { BenchSettings } from '../settings.js';
import { ratio } from '../stats.js';
import { LIST_QUERY, SINGLE_QUERY } from '../workload.js';

export type TargetName = 'gateway' | 'proxy' | 'direct';
export const TARGETS: readonly TargetName[] = ['gateway', 'proxy', 'direct'];

/** Gateway throughput must reach this share of the proxy's. */
export const THROUGHPUT_TARGET = 0.7;

export interface Workload {
  name: string;
  targets: Record<TargetName, LoadTarget>;
}

export interface Measurement {
  workload: string;
  concurrency: number;
  target: TargetName;
  result: LoadResult;
  /** Upstream HTTP requests per answered request: 1 for all three paths when nothing is lost or doubled. */
  upstreamPerRequest: number;
}

export interface Processes {
  upstream: BenchChild;
  gateway: BenchChild;
  proxy: BenchChild;
}

/**
 * Runs the query once through the gateway, reads which upstream request it caused, and checks that the
 * proxy and the upstream answer that request identically.
 */
async function prepareWorkload(name: string, query: string, processes: Processes): Promise<Workload> {
  await processes.upstream.call('stats');
  const probe = graphqlData(await postGraphQL(processes.gateway.url, query));
  if (!probe.ok) throw new Error(`${name}: the gateway did not answer the probe cleanly: ${probe.problem}`);
  const stats = await processes.upstream.call('stats');
  const upstreamPath = stats.recentUrls.at(-1);
  if (stats.httpRequests !== 1 || stats.gets !== 1 || upstreamPath === undefined) {
    throw new Error(`${name}: expected the gateway to make exactly one upstream GET, saw ${stats.httpRequests} requests (${stats.gets} GETs)`);
  }
  const upstreamOrigin = new URL(processes.upstream.url).origin;
  const direct = await getJson(`${upstreamOrigin}${upstreamPath}`);
  const proxied = await getJson(`${processes.proxy.url}${upstreamPath}`);
  if (direct.status !== 200 || proxied.status !== 200 || JSON.stringify(direct.body) !== JSON.stringify(proxied.body)) {
    throw new Error(`${name}: proxy and upstream disagree on ${upstreamPath} (HTTP ${proxied.status} vs ${direct.status})`);
  }
  return {
    name,
    targets: {
      gateway: { url: `${processes.gateway.url}/graphql`, method: 'POST', headers: { ...GRAPHQL_HEADERS }, body: graphqlBody(query) },
      proxy: { url: `${processes.proxy.url}${upstreamPath}`, method: 'GET', headers: { accept: 'application/json' } },
      direct: { url: `${upstreamOrigin}${upstreamPath}`, method: 'GET', headers: { accept: 'application/json' } },
    },
  };
}

export async function prepareWorkloads(processes: Processes): Promise<Workload[]> {
  return [
    await prepareWorkload('single by key', SINGLE_QUERY, processes),
    await prepareWorkload('list first: 10', LIST_QUERY, processes),
  ];
}

export type Progress = (line: string) => void;

/** Concurrency of the prime: high enough to get every hot path optimised by the JIT. */
const PRIME_CONCURRENCY = 8;

/**
 * Runs every (query, path) once, unmeasured. Without it the first measured path of each process pays for
 * JIT compilation inside its numbers (the gateway, measured first, most of all).
 */
export async function primeAll(workloads: readonly Workload[], settings: BenchSettings, progress: Progress): Promise<void> {
  for (const workload of workloads) {
    for (const target of TARGETS) {
      progress(`prime: ${workload.name}, ${target}`);
      await runLoad(workload.targets[target], PRIME_CONCURRENCY, settings.primeS);
    }
  }
}

/** Warm up, then measure, each (workload, concurrency, target); the upstream counts what each run cost it. */
export async function measureLoad(
  workloads: readonly Workload[],
  targets: readonly TargetName[],
  settings: BenchSettings,
  upstream: BenchChild,
  progress: Progress,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const workload of workloads) {
    for (const concurrency of settings.concurrencies) {
      for (const target of targets) {
        progress(`${workload.name}, c=${concurrency}, ${target}`);
        await runLoad(workload.targets[target], concurrency, settings.warmupS);
        await upstream.call('stats');
        const result = await runLoad(workload.targets[target], concurrency, settings.durationS);
        const stats = await upstream.call('stats');
        measurements.push({
          workload: workload.name,
          concurrency,
          target,
          result,
          upstreamPerRequest: ratio(stats.httpRequests, result.ok + result.failures),
        });
      }
    }
  }
  return measurements;
}

export interface Comparison {
  workload: string;
  concurrency: number;
  vsProxy: { p50: number; p99: number; rps: number };
  vsDirect: { p50: number; p99: number; rps: number };
  targetMet: boolean;
}

export function compare(measurements: readonly Measurement[]): Comparison[] {
  const find = (workload: string, concurrency: number, target: TargetName) =>
    measurements.find((m) => m.workload === workload && m.concurrency === concurrency && m.target === target)?.result;
  const comparisons: Comparison[] = [];
  for (const m of measurements) {
    if (m.target !== 'gateway') continue;
    const proxy = find(m.workload, m.concurrency, 'proxy');
    const direct = find(m.workload, m.concurrency, 'direct');
    if (!proxy || !direct) continue;
    const gw = m.result;
    const vsProxy = { p50: ratio(gw.p50, proxy.p50), p99: ratio(gw.p99, proxy.p99), rps: ratio(gw.rps, proxy.rps) };
    const vsDirect = { p50: ratio(gw.p50, direct.p50), p99: ratio(gw.p99, direct.p99), rps: ratio(gw.rps, direct.rps) };
    comparisons.push({ workload: m.workload, concurrency: m.concurrency, vsProxy, vsDirect, targetMet: vsProxy.rps >= THROUGHPUT_TARGET });
  }
  return comparisons;
}

export function formatLoad(measurements: readonly Measurement[], comparisons: readonly Comparison[], settings: BenchSettings): string {
  const runColumns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'path' },
    { header: 'p50 ms', align: 'right' },
    { header: 'p99 ms', align: 'right' },
    { header: 'req/s', align: 'right' },
    { header: 'answered', align: 'right' },
    { header: 'failed', align: 'right' },
    { header: 'upstream/req', align: 'right' },
  ];
  const runRows = measurements.map((m) => [
    m.workload,
    String(m.concurrency),
    m.target,
    ms(m.result.p50),
    ms(m.result.p99),
    m.result.rps.toFixed(0),
    String(m.result.ok),
    String(m.result.failures),
    Number.isFinite(m.upstreamPerRequest) ? m.upstreamPerRequest.toFixed(2) : 'n/a',
  ]);
  const ratioColumns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'p50 gw/proxy', align: 'right' },
    { header: 'p99 gw/proxy', align: 'right' },
    { header: 'req/s gw/proxy', align: 'right' },
    { header: 'p50 gw/direct', align: 'right' },
    { header: 'p99 gw/direct', align: 'right' },
    { header: 'req/s gw/direct', align: 'right' },
    { header: `req/s ≥ ${THROUGHPUT_TARGET}× proxy` },
  ];
  const ratioRows = comparisons.map((c) => [
    c.workload,
    String(c.concurrency),
    times(c.vsProxy.p50),
    times(c.vsProxy.p99),
    times(c.vsProxy.rps),
    times(c.vsDirect.p50),
    times(c.vsDirect.p99),
    times(c.vsDirect.rps),
    c.targetMet ? 'met' : 'MISSED',
  ]);
  return [
    heading('2. Latency and throughput: gateway vs pass-through proxy vs direct upstream'),
    `autocannon in the bench process; upstream, gateway and proxy each in its own child process. ${settings.durationS} s measured after ${settings.warmupS} s warm-up per row (and one ${settings.primeS} s prime per query and path first).`,
    'gateway = POST /graphql; proxy = node:http + one undici request per call, replaying the upstream URL the gateway used; direct = that URL on the upstream.',
    'Latency percentiles from every 2xx response (fractional ms). upstream/req = upstream HTTP requests / requests sent.',
    '',
    markdownTable(runColumns, runRows),
    '',
    'Ratios (latency: lower is better, > 1× means the gateway is slower; req/s: higher is better):',
    '',
    markdownTable(ratioColumns, ratioRows),
  ].join('\n');
}
