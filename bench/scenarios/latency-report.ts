/**
 * Scenario 2 (report): pure aggregation of the measured runs (latency.ts) into one line per path and row,
 * the ratios between paths, and their markdown. No I/O here.
 */
import { type Column, heading, integer, markdownTable, mebibytes, ms, percent, times } from '../format.js';
import type { MemoryReport } from '../protocol.js';
import type { BenchSettings } from '../settings.js';
import { median, ratio } from '../stats.js';
import type { Measurement, Run, TargetName } from './latency.js';

/** Gateway throughput must reach this share of the proxy's, on every row, for each path. */
export const THROUGHPUT_TARGET = 0.7;

/**
 * Issue 13: the lean path with metrics on and tracing off (the defaults) must lose less than this share of
 * the req/s of the same path with METRICS=off, on every row.
 */
export const METRICS_COST_TARGET = 0.05;

export type GatewayPath = 'lean' | 'yoga';
export const GATEWAY_PATHS: readonly GatewayPath[] = ['lean', 'yoga'];

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

/** What metrics cost in one row: `lean` (METRICS=on, tracing off) against `lean-nometrics` (METRICS=off). */
export interface MetricsCost {
  /** lean req/s ÷ lean-nometrics req/s (medians of the rounds). */
  ratio: number;
  /** 1 − ratio: the share of throughput metrics cost (negative when the gateway with metrics was the faster). */
  cost: number;
  /** The same ratio within each round (the two runs of a round are seconds apart), lowest and highest: its noise. */
  roundRatioMin: number;
  roundRatioMax: number;
  /** CPU µs per request of lean minus that of lean-nometrics. */
  cpuMicros: number;
  /** cpuMicros as a share of lean-nometrics' CPU µs per request. */
  cpuShare: number;
  /** cost < METRICS_COST_TARGET and no failed request on either path. */
  met: boolean;
}

export function metricsCost(lean: { summary: PathSummary; runs: readonly Run[] }, noMetrics: { summary: PathSummary; runs: readonly Run[] }): MetricsCost {
  const costRatio = ratio(lean.summary.rps, noMetrics.summary.rps);
  const cost = 1 - costRatio;
  const perRound = lean.runs
    .map((run, i) => ratio(run.result.rps, noMetrics.runs[i]?.result.rps ?? Number.NaN))
    .filter(Number.isFinite);
  const cpuMicros = lean.summary.cpuPerRequest - noMetrics.summary.cpuPerRequest;
  return {
    ratio: costRatio,
    cost,
    roundRatioMin: perRound.length > 0 ? Math.min(...perRound) : Number.NaN,
    roundRatioMax: perRound.length > 0 ? Math.max(...perRound) : Number.NaN,
    cpuMicros,
    cpuShare: ratio(cpuMicros, noMetrics.summary.cpuPerRequest),
    // NaN (no throughput measured) compares false: not met.
    met: cost < METRICS_COST_TARGET && lean.summary.failures === 0 && noMetrics.summary.failures === 0,
  };
}

/** One row (query, concurrency) with every path summarised and the gateway paths compared. */
export interface RowComparison {
  workload: string;
  concurrency: number;
  paths: Record<TargetName, PathSummary>;
  /** Gateway req/s ÷ proxy req/s, per gateway path. */
  vsProxy: Record<GatewayPath, number>;
  /** Gateway req/s ÷ direct req/s, per gateway path. */
  vsDirect: Record<GatewayPath, number>;
  /** Lean req/s ÷ yoga req/s. */
  leanVsYoga: number;
  met: Record<GatewayPath, boolean>;
  /** Lean with metrics on against lean with METRICS=off (issue 13). */
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
    const find = (target: TargetName) => measurements.find((x) => x.workload === m.workload && x.concurrency === m.concurrency && x.target === target);
    const lean = find('lean');
    const leanNoMetrics = find('lean-nometrics');
    const yoga = find('yoga');
    const proxy = find('proxy');
    const direct = find('direct');
    if (!lean || !leanNoMetrics || !yoga || !proxy || !direct) continue;
    const paths = {
      lean: summarizeRuns(lean.runs),
      'lean-nometrics': summarizeRuns(leanNoMetrics.runs),
      yoga: summarizeRuns(yoga.runs),
      proxy: summarizeRuns(proxy.runs),
      direct: summarizeRuns(direct.runs),
    };
    const vsProxy = { lean: ratio(paths.lean.rps, paths.proxy.rps), yoga: ratio(paths.yoga.rps, paths.proxy.rps) };
    rows.push({
      workload: m.workload,
      concurrency: m.concurrency,
      paths,
      vsProxy,
      vsDirect: { lean: ratio(paths.lean.rps, paths.direct.rps), yoga: ratio(paths.yoga.rps, paths.direct.rps) },
      leanVsYoga: ratio(paths.lean.rps, paths.yoga.rps),
      // A row with failed requests proves nothing about throughput.
      met: {
        lean: vsProxy.lean >= THROUGHPUT_TARGET && paths.lean.failures === 0,
        yoga: vsProxy.yoga >= THROUGHPUT_TARGET && paths.yoga.failures === 0,
      },
      metricsCost: metricsCost({ summary: paths.lean, runs: lean.runs }, { summary: paths['lean-nometrics'], runs: leanNoMetrics.runs }),
    });
  }
  return rows;
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

function sideBySide(rows: readonly RowComparison[]): string {
  const columns: Column[] = [
    { header: 'query' },
    { header: 'conc', align: 'right' },
    { header: 'proxy req/s', align: 'right' },
    { header: 'lean req/s', align: 'right' },
    { header: 'yoga req/s', align: 'right' },
    { header: 'lean ÷ proxy', align: 'right' },
    { header: 'yoga ÷ proxy', align: 'right' },
    { header: 'lean ÷ yoga', align: 'right' },
    { header: 'proxy µs/req', align: 'right' },
    { header: 'lean µs/req', align: 'right' },
    { header: 'yoga µs/req', align: 'right' },
    { header: `lean ≥ ${THROUGHPUT_TARGET}×` },
    { header: `yoga ≥ ${THROUGHPUT_TARGET}×` },
  ];
  const body = rows.map((r) => [
    r.workload,
    String(r.concurrency),
    integer(r.paths.proxy.rps),
    integer(r.paths.lean.rps),
    integer(r.paths.yoga.rps),
    times(r.vsProxy.lean),
    times(r.vsProxy.yoga),
    times(r.leanVsYoga),
    integer(r.paths.proxy.cpuPerRequest),
    integer(r.paths.lean.cpuPerRequest),
    integer(r.paths.yoga.cpuPerRequest),
    verdict(r.met.lean),
    verdict(r.met.yoga),
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
    { header: 'lean-nometrics req/s', align: 'right' },
    { header: 'lean req/s', align: 'right' },
    { header: 'lean ÷ lean-nometrics', align: 'right' },
    { header: 'per round', align: 'right' },
    { header: 'cost', align: 'right' },
    { header: 'lean-nometrics µs/req', align: 'right' },
    { header: 'lean µs/req', align: 'right' },
    { header: 'metrics µs/req', align: 'right' },
    { header: `cost < ${percent(METRICS_COST_TARGET, false)}` },
  ];
  const body = rows.map((r) => {
    const c = r.metricsCost;
    return [
      r.workload,
      String(r.concurrency),
      integer(r.paths['lean-nometrics'].rps),
      integer(r.paths.lean.rps),
      times(c.ratio),
      `${times(c.roundRatioMin)}–${times(c.roundRatioMax)}`,
      percent(c.cost),
      integer(r.paths['lean-nometrics'].cpuPerRequest),
      integer(r.paths.lean.cpuPerRequest),
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
    { header: 'p50 lean ÷ proxy', align: 'right' },
    { header: 'p50 yoga ÷ proxy', align: 'right' },
    { header: 'p99 lean ÷ proxy', align: 'right' },
    { header: 'p99 yoga ÷ proxy', align: 'right' },
    { header: 'req/s lean ÷ direct', align: 'right' },
    { header: 'req/s yoga ÷ direct', align: 'right' },
  ];
  const body = rows.map((r) => [
    r.workload,
    String(r.concurrency),
    times(ratio(r.paths.lean.p50, r.paths.proxy.p50)),
    times(ratio(r.paths.yoga.p50, r.paths.proxy.p50)),
    times(ratio(r.paths.lean.p99, r.paths.proxy.p99)),
    times(ratio(r.paths.yoga.p99, r.paths.proxy.p99)),
    times(r.vsDirect.lean),
    times(r.vsDirect.yoga),
  ]);
  return markdownTable(columns, body);
}

export function formatLoad(rows: readonly RowComparison[], targets: readonly TargetName[], settings: BenchSettings): string {
  const runs = `${settings.rounds} round${settings.rounds === 1 ? '' : 's'} of ${settings.durationS} s per path`;
  return [
    heading('2. Throughput, latency and CPU: gateway (lean and yoga paths, metrics on and off) vs pass-through proxy vs direct upstream'),
    `autocannon in the bench process; upstream, the gateways and the proxy each in its own child process (lean-nometrics shares lean's). Per row (query, concurrency): ${settings.warmupS} s`,
    `unmeasured warm-up of every path, then ${runs}, the paths taking turns (each round starts with another path); one ${settings.primeS} s prime per query and path first.`,
    'lean / yoga = POST /graphql to the gateway with HTTP_HANDLER=lean (default) / yoga, each with every other setting at its default (METRICS on, tracing off,',
    'LOG_LEVEL info: one log line per request, to /dev/null); lean-nometrics = the same as lean with METRICS=off, a second gateway in the lean process (so no two processes are compared);',
    'proxy = node:http + one undici request per call, replaying the upstream URL the gateway used; direct = that URL on the upstream.',
    'req/s = median of the rounds; p50/p99 = median of the rounds’ percentiles (every 2xx response, fractional ms). CPU µs/req = busy CPU time (user + system,',
    '`process.cpuUsage()` of the serving child, read over IPC right before and after each run) ÷ requests sent; for direct that child is the upstream.',
    '',
    `Side by side (goal: each gateway path ≥ ${THROUGHPUT_TARGET}× the proxy's req/s on every row; a row with failed requests is MISSED):`,
    '',
    sideBySide(rows),
    '',
    `What metrics cost (issue 13; goal: lean, metrics on and tracing off, loses < ${percent(METRICS_COST_TARGET, false)} of lean-nometrics' req/s on every row;`,
    'cost = 1 − lean ÷ lean-nometrics, negative when the gateway with metrics was the faster; per round = that ratio within each round, lowest–highest;',
    'metrics µs/req = lean CPU µs/req − lean-nometrics CPU µs/req, and that as a share of lean-nometrics\'):',
    '',
    metricsCostTable(rows),
    '',
    'Every path:',
    '',
    everyPath(rows, targets),
    '',
    'Latency ratios (lower is better, > 1× means the gateway is slower) and throughput against the upstream itself:',
    '',
    latencyRatios(rows),
  ].join('\n');
}

/** `child` names a gateway child by the settings that set it apart, e.g. `HTTP_HANDLER=lean, METRICS=off`. */
export function formatGatewayMemory(reports: ReadonlyArray<{ child: string; memory: MemoryReport }>): string {
  const columns: Column[] = [{ header: 'gateway child' }, { header: 'rss', align: 'right' }, { header: 'peak rss (maxRSS)', align: 'right' }, { header: 'live heap (after GC)', align: 'right' }];
  const body = reports.map((r) => [r.child, mebibytes(r.memory.rss), mebibytes(r.memory.maxRss), mebibytes(r.memory.liveHeap)]);
  return [
    'Memory of the gateway children of scenario 2 after it (they run the compiled gateway from dist/ under a small tsx-run wrapper, whose loader thread is part of their RSS;',
    'the memory of the process `npm start` runs is scenario 4):',
    '',
    markdownTable(columns, body),
  ].join('\n');
}
