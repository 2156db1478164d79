/**
 * The report's closing summary: one line per goal of issues 12 (performance) and 13 (observability) (met /
 * MISSED, with the figures) and per correctness check (OK / FAIL), then the figures worth a glance. Pure: no I/O.
 */
import { mebibytes, percent, times } from './format.js';
import type { TargetName } from './scenarios/latency.js';
import { type GatewayPath, METRICS_COST_TARGET, type RowComparison, THROUGHPUT_TARGET } from './scenarios/latency-report.js';
import { TREE_GROWTH_TARGET, TREE_PEAK_TARGET_BYTES, growth, loadSnapshots, treeTotals } from './scenarios/tree-memory-report.js';
import type { TreeMemory } from './scenarios/tree-memory.js';

export interface Verdict {
  /** What the line is about, e.g. `lean path ≥ 0.7× proxy req/s`. */
  subject: string;
  /** 'met' | 'MISSED' for a performance goal, 'OK' | 'FAIL' for a correctness check. */
  outcome: 'met' | 'MISSED' | 'OK' | 'FAIL';
  figures: string;
}

export function formatVerdicts(verdicts: readonly Verdict[]): string {
  return verdicts.map((v) => `- ${v.subject}: **${v.outcome}** (${v.figures})`).join('\n');
}

export function throughputVerdict(rows: readonly RowComparison[], path: GatewayPath): Verdict {
  const subject = `${path} path ≥ ${THROUGHPUT_TARGET}× proxy req/s, by key and list of 10, every concurrency`;
  if (rows.length === 0) return { subject, outcome: 'MISSED', figures: 'not measured' };
  const met = rows.filter((r) => r.met[path]).length;
  const figures = rows.map((r) => `${r.workload} c=${r.concurrency} ${times(r.vsProxy[path])}`).join(', ');
  return { subject, outcome: met === rows.length ? 'met' : 'MISSED', figures: `${met}/${rows.length} rows: ${figures}` };
}

/** Issue 13: metrics on and tracing off (the defaults) cost the lean path < 5% of its req/s with METRICS=off. */
export function metricsCostVerdict(rows: readonly RowComparison[]): Verdict {
  const subject = `metrics on, tracing off cost < ${percent(METRICS_COST_TARGET, false)} of throughput vs metrics off, every row`;
  if (rows.length === 0) return { subject, outcome: 'MISSED', figures: 'not measured' };
  const met = rows.filter((r) => r.metricsCost.met).length;
  const figures = rows
    .map((r) => `${r.workload} c=${r.concurrency} ${percent(r.metricsCost.cost)} (${times(r.metricsCost.ratio)}, CPU ${Math.round(r.paths['lean-nometrics'].cpuPerRequest)} → ${Math.round(r.paths.lean.cpuPerRequest)} µs/req)`)
    .join(', ');
  return { subject, outcome: met === rows.length ? 'met' : 'MISSED', figures: `${met}/${rows.length} rows: ${figures}` };
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

function ratioRange(values: readonly number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return 'n/a';
  return `${times(Math.min(...finite))}–${times(Math.max(...finite))}`;
}

export function leanVsYogaRange(rows: readonly RowComparison[]): string {
  return ratioRange(rows.map((r) => r.leanVsYoga));
}

/** `min–max` over the rows of lean (metrics on) req/s ÷ lean-nometrics req/s. */
export function metricsRatioRange(rows: readonly RowComparison[]): string {
  return ratioRange(rows.map((r) => r.metricsCost.ratio));
}
