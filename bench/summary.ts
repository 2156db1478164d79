/**
 * The report's closing summary: one line per goal of issues 21 (the gateway against the proxy, the bare
 * server and its memory bounds), 12 (the `npm start` tree) and 13 (observability) (met / MISSED, with the
 * figures) and per correctness check (OK / FAIL), then the figures worth a glance. Pure: no I/O.
 */
import { mebibytes, percent, times } from './format.js';
import type { TargetName } from './scenarios/latency.js';
import { CPU_VS_BARE_TARGET, METRICS_COST_TARGET, type RowComparison, THROUGHPUT_TARGET } from './scenarios/latency-report.js';
import type { GatewayMemory } from './scenarios/gateway-memory.js';
import { GATEWAY_PEAK_TARGET_BYTES, GATEWAY_REST_TARGET_BYTES } from './scenarios/gateway-memory-report.js';
import { TREE_GROWTH_TARGET, TREE_PEAK_TARGET_BYTES, growth, loadSnapshots, treeTotals } from './scenarios/tree-memory-report.js';
import type { TreeMemory } from './scenarios/tree-memory.js';

export interface Verdict {
  /** What the line is about, e.g. `gateway ≥ 0.7× the raw proxy's req/s`. */
  subject: string;
  /** 'met' | 'MISSED' for a performance goal, 'OK' | 'FAIL' for a correctness check. */
  outcome: 'met' | 'MISSED' | 'OK' | 'FAIL';
  figures: string;
}

export function formatVerdicts(verdicts: readonly Verdict[]): string {
  return verdicts.map((v) => `- ${v.subject}: **${v.outcome}** (${v.figures})`).join('\n');
}

/** A goal held row by row: met when every row meets it, with each row's figure. */
function everyRow(subject: string, rows: readonly RowComparison[], met: (r: RowComparison) => boolean, figure: (r: RowComparison) => string): Verdict {
  if (rows.length === 0) return { subject, outcome: 'MISSED', figures: 'not measured' };
  const count = rows.filter(met).length;
  const figures = rows.map((r) => `${r.workload} c=${r.concurrency} ${figure(r)}`).join(', ');
  return { subject, outcome: count === rows.length ? 'met' : 'MISSED', figures: `${count}/${rows.length} rows: ${figures}` };
}

/** Issue 21: the gateway's req/s ≥ THROUGHPUT_TARGET × the proxy's on every row. */
export function throughputVerdict(rows: readonly RowComparison[]): Verdict {
  const subject = `gateway ≥ ${THROUGHPUT_TARGET}× the raw proxy's req/s, by key and list of 10, every concurrency`;
  return everyRow(subject, rows, (r) => r.throughputMet, (r) => times(r.gatewayVsProxy));
}

/** Issue 21: the gateway's busy CPU per request ≤ CPU_VS_BARE_TARGET × the bare server's on every row. */
export function cpuVsBareVerdict(rows: readonly RowComparison[]): Verdict {
  const subject = `gateway CPU per request ≤ ${CPU_VS_BARE_TARGET}× the bare graphql-js server's, every row`;
  return everyRow(subject, rows, (r) => r.cpuMet, (r) => `${times(r.gatewayCpuVsBare)} (${Math.round(r.paths.gateway.cpuPerRequest)} / ${Math.round(r.paths.bare.cpuPerRequest)} µs)`);
}

/** Issue 13: metrics on and tracing off (the defaults) cost the gateway < 5% of its req/s with METRICS=off. */
export function metricsCostVerdict(rows: readonly RowComparison[]): Verdict {
  const subject = `metrics on, tracing off cost < ${percent(METRICS_COST_TARGET, false)} of throughput vs metrics off, every row`;
  return everyRow(
    subject,
    rows,
    (r) => r.metricsCost.met,
    (r) =>
      `${percent(r.metricsCost.cost)} (${times(r.metricsCost.ratio)}, CPU ${Math.round(r.paths['gateway-nometrics'].cpuPerRequest)} → ${Math.round(r.paths.gateway.cpuPerRequest)} µs/req)`,
  );
}

/** Issue 21: the gateway process's RSS at rest (ready, before any request). */
export function gatewayRestVerdict(memory: GatewayMemory | undefined): Verdict {
  const subject = `gateway process (\`node dist/main.js\`, embedded service) RSS at rest ≤ ${mebibytes(GATEWAY_REST_TARGET_BYTES)}`;
  const rss = memory?.atRest?.rss;
  if (rss === undefined) return { subject, outcome: 'MISSED', figures: 'not measured' };
  return { subject, outcome: rss <= GATEWAY_REST_TARGET_BYTES ? 'met' : 'MISSED', figures: `${mebibytes(rss)}; after GraphiQL ${memory?.afterGraphiql ? mebibytes(memory.afterGraphiql.rss) : 'n/a'}` };
}

/** Issue 21: its peak RSS (VmHWM) after GraphiQL and the load. */
export function gatewayPeakVerdict(memory: GatewayMemory | undefined, loadS: number): Verdict {
  const subject = `gateway process peak RSS under ${loadS} s of load after GraphiQL ≤ ${mebibytes(GATEWAY_PEAK_TARGET_BYTES)}`;
  const peak = memory?.afterLoad?.peakRss;
  if (peak === undefined) return { subject, outcome: 'MISSED', figures: 'not measured' };
  return { subject, outcome: peak <= GATEWAY_PEAK_TARGET_BYTES ? 'met' : 'MISSED', figures: `${mebibytes(peak)}; peak before the load ${memory?.afterGraphiql ? mebibytes(memory.afterGraphiql.peakRss) : 'n/a'}` };
}

export function treePeakVerdict(tree: TreeMemory | undefined, requests: number): Verdict {
  const subject = `\`npm start\` tree peak RSS after ${requests} requests ≤ ${mebibytes(TREE_PEAK_TARGET_BYTES)}`;
  const pair = tree && loadSnapshots(tree);
  if (!pair) return { subject, outcome: 'MISSED', figures: 'not measured' };
  const first = treeTotals(pair.first.processes);
  const biggest = [...pair.first.processes].sort((a, b) => b.peakRss - a.peakRss)[0];
  return {
    subject,
    outcome: first.peakRss <= TREE_PEAK_TARGET_BYTES ? 'met' : 'MISSED',
    figures: `${mebibytes(first.peakRss)} over ${first.processes} processes${biggest ? `, the largest ${mebibytes(biggest.peakRss)}` : ''}`,
  };
}

export function treeGrowthVerdict(tree: TreeMemory | undefined, factor: number): Verdict {
  const subject = `\`npm start\` tree peak RSS growth from 1× to ${factor}× the load ≤ ${percent(TREE_GROWTH_TARGET)}`;
  const pair = tree && loadSnapshots(tree);
  if (!pair) return { subject, outcome: 'MISSED', figures: 'not measured' };
  const first = treeTotals(pair.first.processes).peakRss;
  const last = treeTotals(pair.last.processes).peakRss;
  const share = growth(first, last);
  return { subject, outcome: share <= TREE_GROWTH_TARGET ? 'met' : 'MISSED', figures: `${mebibytes(first)} → ${mebibytes(last)}, ${percent(share)}` };
}

/** `min–max` of a path's CPU µs per request over the rows. */
export function cpuRange(rows: readonly RowComparison[], path: TargetName): string {
  const values = rows.map((r) => r.paths[path].cpuPerRequest).filter(Number.isFinite);
  if (values.length === 0) return 'n/a';
  return `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
}

/** `min–max` over the rows of a ratio. */
export function ratioRange(values: readonly number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return 'n/a';
  return `${times(Math.min(...finite))}–${times(Math.max(...finite))}`;
}
