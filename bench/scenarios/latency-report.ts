/**
 * Scenario 2 (report): pure aggregation of the measured runs (latency.ts) into one line per path and row,
 * the ratios between paths (each server against the proxy and the bare server), issue 21's and issue 13's
 * goals per row, and their markdown. No I/O here.
 */
import { type Column, heading, integer, markdownTable, mebibytes, ms, percent, times } from '../format.js';
import type { MemoryReport } from '../protocol.js';
import type { BenchSettings } from '../settings.js';
import { median, ratio } from '../stats.js';
import { type Measurement, type Run, TARGETS, type TargetName } from './latency.js';

/** Issue 21: the gateway's req/s must reach this share of the proxy's, on every row. */
export const THROUGHPUT_TARGET = 0.7;

/** Issue 21: the gateway's busy CPU per request must stay within this multiple of the bare server's, on every row. */
export const CPU_VS_BARE_TARGET = 1.3;

/**
 * Issue 13: the gateway with metrics on and tracing off (the defaults) must lose less than this share of the
 * req/s of the same gateway with METRICS=off, on every row.
 */
export const METRICS_COST_TARGET = 0.05;

/** The servers of the side-by-side table, in its order: the floor, the yardstick, the gateway and its twin. */
export const SERVERS: readonly TargetName[] = ['proxy', 'bare', 'gateway', 'gateway-nometrics'];

/** The runs of one path in one row, summarised. */
export interface PathSummary {
  /** Median req/s over the rounds. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** Medians over the rounds of each run's own percentile, ms. */
  p50: number;
  p99: number;
  /** 2xx answers, all rounds. */
  ok: number;
  failures: number;
  /** Busy CPU time of the serving process per request sent, µs. */
  cpuPerRequest: number;
  /** Busy CPU time of the upstream per request sent, µs. */
  upstreamCpuPerRequest: number;
  /** Upstream HTTP requests per request sent: 1 when nothing is lost or doubled. */
  upstreamPerRequest: number;
}

export function summarizeRuns(runs: readonly Run[]): PathSummary {
  const rates = runs.map((run) => run.result.rps);
  const sum = (pick: (run: Run) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const sent = sum((run) => run.result.ok + run.result.failures);
  return {
    rps: median(rates),
    rpsMin: rates.length > 0 ? Math.min(...rates) : Number.NaN,
    rpsMax: rates.length > 0 ? Math.max(...rates) : Number.NaN,
    p50: median(runs.map((run) => run.result.p50)),
    p99: median(runs.map((run) => run.result.p99)),
    ok: sum((run) => run.result.ok),
    failures: sum((run) => run.result.failures),
    cpuPerRequest: ratio(sum((run) => run.cpuMicros), sent),
    upstreamCpuPerRequest: ratio(sum((run) => run.upstreamCpuMicros), sent),
    upstreamPerRequest: ratio(sum((run) => run.upstreamRequests), sent),
  };
}

/** What metrics cost in one row: `gateway` (METRICS=on, tracing off) against `gateway-nometrics` (METRICS=off). */
export interface MetricsCost {
  /** gateway req/s ÷ gateway-nometrics req/s (medians of the rounds). */
  ratio: number;
  /** 1 − ratio: the share of throughput metrics cost (negative when the gateway with metrics was the faster). */
  cost: number;
  /** The same ratio within each round (the two runs of a round are seconds apart), lowest and highest: its noise. */
  roundRatioMin: number;
  roundRatioMax: number;
  /** CPU µs per request of gateway minus that of gateway-nometrics. */
  cpuMicros: number;
  /** cpuMicros as a share of gateway-nometrics' CPU µs per request. */
  cpuShare: number;
  /** cost < METRICS_COST_TARGET and no failed request on either path. */
  met: boolean;
}

export function metricsCost(withMetrics: { summary: PathSummary; runs: readonly Run[] }, noMetrics: { summary: PathSummary; runs: readonly Run[] }): MetricsCost {
  const costRatio = ratio(withMetrics.summary.rps, noMetrics.summary.rps);
  const cost = 1 - costRatio;
  const perRound = withMetrics.runs
    .map((run, i) => ratio(run.result.rps, noMetrics.runs[i]?.result.rps ?? Number.NaN))
    .filter(Number.isFinite);
  const cpuMicros = withMetrics.summary.cpuPerRequest - noMetrics.summary.cpuPerRequest;
  return {
    ratio: costRatio,
    cost,
    roundRatioMin: perRound.length > 0 ? Math.min(...perRound) : Number.NaN,
    roundRatioMax: perRound.length > 0 ? Math.max(...perRound) : Number.NaN,
    cpuMicros,
    cpuShare: ratio(cpuMicros, noMetrics.summary.cpuPerRequest),
    // NaN (no throughput measured) compares false: not met.
    met: cost < METRICS_COST_TARGET && withMetrics.summary.failures === 0 && noMetrics.summary.failures === 0,
  };
}

/** One row (query, concurrency) with every path summarised and the gateway held against issue 21's goals. */
export interface RowComparison {
  workload: string;
  concurrency: number;
  paths: Record<TargetName, PathSummary>;
  /** Gateway req/s ÷ proxy req/s. */
  gatewayVsProxy: number;
  /** Gateway CPU µs per request ÷ the bare server's. */
  gatewayCpuVsBare: number;
  /** gatewayVsProxy ≥ THROUGHPUT_TARGET, with no failed request on either path. */
  throughputMet: boolean;
  /** gatewayCpuVsBare ≤ CPU_VS_BARE_TARGET, with no failed request on either path. */
  cpuMet: boolean;
  /** The gateway with metrics on against its twin with METRICS=off (issue 13). */
  metricsCost: MetricsCost;
}

/** Rows in the order measured; a row missing any path is left out. */
export function compareRows(measurements: readonly Measurement[]): RowComparison[] {
  const rows: RowComparison[] = [];
  const seen = new Set<string>();
  for (const m of measurements) {
    const key = `${m.workload}\u0000${m.concurrency}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const runs = new Map(measurements.filter((x) => x.workload === m.workload && x.concurrency === m.concurrency).map((x) => [x.target, x.runs]));
    if (!TARGETS.every((target) => runs.has(target))) continue;
    const paths = Object.fromEntries(TARGETS.map((target) => [target, summarizeRuns(runs.get(target)!)])) as Record<TargetName, PathSummary>;
    const gatewayVsProxy = ratio(paths.gateway.rps, paths.proxy.rps);
    const gatewayCpuVsBare = ratio(paths.gateway.cpuPerRequest, paths.bare.cpuPerRequest);
    // A row with failed requests proves nothing about throughput or cost.
    const clean = (...targets: TargetName[]) => targets.every((target) => paths[target].failures === 0);
    rows.push({
      workload: m.workload,
      concurrency: m.concurrency,
      paths,
      gatewayVsProxy,
      gatewayCpuVsBare,
      throughputMet: gatewayVsProxy >= THROUGHPUT_TARGET && clean('gateway', 'proxy'),
      cpuMet: gatewayCpuVsBare <= CPU_VS_BARE_TARGET && clean('gateway', 'bare'),
      metricsCost: metricsCost(
        { summary: paths.gateway, runs: runs.get('gateway')! },
        { summary: paths['gateway-nometrics'], runs: runs.get('gateway-nometrics')! },
      ),
    });
  }
  return rows;
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** One line per row and server: req/s, its ratio to the proxy's and to the bare server's, busy CPU µs/req and its ratio to bare's. */
function sideBySide(rows: readonly RowComparison[]): string {
  const columns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'server' },
    { header: 'req/s', align: 'right' },
    { header: '÷ proxy', align: 'right' },
    { header: '÷ bare', align: 'right' },
    { header: 'CPU µs/req', align: 'right' },
    { header: 'CPU ÷ bare', align: 'right' },
  ];
  const body = rows.flatMap((r) =>
    SERVERS.map((server) => {
      const p = r.paths[server];
      return [
        r.workload,
        String(r.concurrency),
        server,
        integer(p.rps),
        times(ratio(p.rps, r.paths.proxy.rps)),
        times(ratio(p.rps, r.paths.bare.rps)),
        integer(p.cpuPerRequest),
        times(ratio(p.cpuPerRequest, r.paths.bare.cpuPerRequest)),
      ];
    }),
  );
  return markdownTable(columns, body);
}

/** Issue 21's two goals, row by row. */
function goalsTable(rows: readonly RowComparison[]): string {
  const columns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'gateway ÷ proxy req/s', align: 'right' },
    { header: `≥ ${THROUGHPUT_TARGET}×` },
    { header: 'gateway ÷ bare CPU µs/req', align: 'right' },
    { header: `≤ ${CPU_VS_BARE_TARGET}×` },
  ];
  const body = rows.map((r) => [
    r.workload,
    String(r.concurrency),
    times(r.gatewayVsProxy),
    verdict(r.throughputMet),
    `${times(r.gatewayCpuVsBare)} (${integer(r.paths.gateway.cpuPerRequest)} / ${integer(r.paths.bare.cpuPerRequest)})`,
    verdict(r.cpuMet),
  ]);
  return markdownTable(columns, body);
}

function signedInteger(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${Math.round(value)}` : 'n/a';
}

function metricsCostTable(rows: readonly RowComparison[]): string {
  const columns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'gateway-nometrics req/s', align: 'right' },
    { header: 'gateway req/s', align: 'right' },
    { header: 'gateway ÷ gateway-nometrics', align: 'right' },
    { header: 'per round', align: 'right' },
    { header: 'cost', align: 'right' },
    { header: 'gateway-nometrics µs/req', align: 'right' },
    { header: 'gateway µs/req', align: 'right' },
    { header: 'metrics µs/req', align: 'right' },
    { header: `cost < ${percent(METRICS_COST_TARGET, false)}` },
  ];
  const body = rows.map((r) => {
    const c = r.metricsCost;
    return [
      r.workload,
      String(r.concurrency),
      integer(r.paths['gateway-nometrics'].rps),
      integer(r.paths.gateway.rps),
      times(c.ratio),
      `${times(c.roundRatioMin)}–${times(c.roundRatioMax)}`,
      percent(c.cost),
      integer(r.paths['gateway-nometrics'].cpuPerRequest),
      integer(r.paths.gateway.cpuPerRequest),
      `${signedInteger(c.cpuMicros)} (${percent(c.cpuShare)})`,
      verdict(c.met),
    ];
  });
  return markdownTable(columns, body);
}

function everyPath(rows: readonly RowComparison[], targets: readonly TargetName[]): string {
  const columns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'path' },
    { header: 'req/s', align: 'right' },
    { header: 'req/s min–max', align: 'right' },
    { header: 'p50 ms', align: 'right' },
    { header: 'p99 ms', align: 'right' },
    { header: 'answered', align: 'right' },
    { header: 'failed', align: 'right' },
    { header: 'upstream/req', align: 'right' },
    { header: 'CPU µs/req', align: 'right' },
    { header: 'upstream CPU µs/req', align: 'right' },
  ];
  const body = rows.flatMap((r) =>
    targets.map((target) => {
      const p = r.paths[target];
      return [
        r.workload,
        String(r.concurrency),
        target,
        integer(p.rps),
        `${integer(p.rpsMin)}–${integer(p.rpsMax)}`,
        ms(p.p50),
        ms(p.p99),
        String(p.ok),
        String(p.failures),
        Number.isFinite(p.upstreamPerRequest) ? p.upstreamPerRequest.toFixed(2) : 'n/a',
        integer(p.cpuPerRequest),
        integer(p.upstreamCpuPerRequest),
      ];
    }),
  );
  return markdownTable(columns, body);
}

function latencyRatios(rows: readonly RowComparison[]): string {
  const columns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'p50 gateway ÷ proxy', align: 'right' },
    { header: 'p50 gateway ÷ bare', align: 'right' },
    { header: 'p99 gateway ÷ proxy', align: 'right' },
    { header: 'p99 gateway ÷ bare', align: 'right' },
    { header: 'req/s gateway ÷ direct', align: 'right' },
    { header: 'req/s bare ÷ direct', align: 'right' },
  ];
  const body = rows.map(({ workload, concurrency, paths: { gateway, bare, proxy, direct } }) => [
    workload,
    String(concurrency),
    times(ratio(gateway.p50, proxy.p50)),
    times(ratio(gateway.p50, bare.p50)),
    times(ratio(gateway.p99, proxy.p99)),
    times(ratio(gateway.p99, bare.p99)),
    times(ratio(gateway.rps, direct.rps)),
    times(ratio(bare.rps, direct.rps)),
  ]);
  return markdownTable(columns, body);
}

export function formatLoad(rows: readonly RowComparison[], settings: BenchSettings): string {
  const runs = `${settings.rounds} round${settings.rounds === 1 ? '' : 's'} of ${settings.durationS} s per path`;
  return [
    heading('2. Throughput, latency and CPU: gateway (metrics on and off) vs bare graphql-js server vs pass-through proxy vs direct upstream'),
    `autocannon in the bench process; upstream, gateway, bare server and proxy each in its own child process (gateway-nometrics shares the gateway's). Per row (query, concurrency):`,
    `${settings.warmupS} s unmeasured warm-up of every path, then ${runs}, the paths taking turns (each round starts with another path); one ${settings.primeS} s prime per query and path first.`,
    'gateway = POST /graphql to the gateway, every setting at its default (METRICS on, tracing off, LOG_LEVEL info: one log line per request, to /dev/null);',
    'gateway-nometrics = the same with METRICS=off, a second gateway in the gateway\'s process (so no two processes are compared);',
    'bare = POST /graphql to the bare reference server (bench/bare.ts: node:http, graphql-js execute with documents cached by query text, one undici pool, the',
    'same upstream GET and the same answer as the gateway, checked before the load); proxy = node:http + one undici request per call, replaying the upstream URL',
    'the gateway used; direct = that URL on the upstream.',
    'req/s = median of the rounds; p50/p99 = median of the rounds’ percentiles (every 2xx response, fractional ms). CPU µs/req = busy CPU time (user + system,',
    '`process.cpuUsage()` of the serving child, read over IPC right before and after each run) ÷ requests sent; for direct that child is the upstream.',
    '',
    'Side by side (÷ proxy, ÷ bare: req/s against the proxy\'s and the bare server\'s in the same row; CPU ÷ bare: CPU µs/req against the bare server\'s):',
    '',
    sideBySide(rows),
    '',
    `Issue 21's goals per row (the gateway ≥ ${THROUGHPUT_TARGET}× the proxy's req/s, and ≤ ${CPU_VS_BARE_TARGET}× the bare server's CPU µs/req; a row with failed requests is MISSED):`,
    '',
    goalsTable(rows),
    '',
    `What metrics cost (issue 13; goal: the gateway, metrics on and tracing off, loses < ${percent(METRICS_COST_TARGET, false)} of gateway-nometrics' req/s on every row;`,
    'cost = 1 − gateway ÷ gateway-nometrics, negative when the gateway with metrics was the faster; per round = that ratio within each round, lowest–highest;',
    'metrics µs/req = gateway CPU µs/req − gateway-nometrics CPU µs/req, and that as a share of gateway-nometrics\'):',
    '',
    metricsCostTable(rows),
    '',
    'Every path:',
    '',
    everyPath(rows, TARGETS),
    '',
    'Latency ratios (lower is better, > 1× means the gateway is slower) and throughput against the upstream itself:',
    '',
    latencyRatios(rows),
  ].join('\n');
}

/** `child` names a server child, e.g. `gateway (and its METRICS=off twin)`. */
export function formatChildMemory(reports: ReadonlyArray<{ child: string; memory: MemoryReport }>): string {
  const columns: Column[] = [{ header: 'child' }, { header: 'rss', align: 'right' }, { header: 'peak rss (maxRSS)', align: 'right' }, { header: 'live heap (after GC)', align: 'right' }];
  const body = reports.map((r) => [r.child, mebibytes(r.memory.rss), mebibytes(r.memory.maxRss), mebibytes(r.memory.liveHeap)]);
  return [
    'Memory of the gateway and bare children of scenario 2 after it (both run under a small tsx-run wrapper, whose loader thread is part of their RSS;',
    'the memory of the process `npm start` runs is scenarios 4 and 5):',
    '',
    markdownTable(columns, body),
  ].join('\n');
}
