/**
 * The report's closing summary: one line per goal of issue 12 (met / MISSED, with the figures) and per
 * correctness check (OK / FAIL), then the figures worth a glance. Pure: no I/O.
 */
import { mebibytes, times } from './format.js';
import { type GatewayPath, type RowComparison, THROUGHPUT_TARGET } from './scenarios/latency-report.js';
import { TREE_GROWTH_TARGET, TREE_PEAK_TARGET_BYTES, growth, loadSnapshots, percent, treeTotals } from './scenarios/tree-memory-report.js';
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
export function cpuRange(rows: readonly RowComparison[], path: 'lean' | 'yoga' | 'proxy'): string {
  const values = rows.map((r) => r.paths[path].cpuPerRequest).filter(Number.isFinite);
  if (values.length === 0) return 'n/a';
  return `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
}

export function leanVsYogaRange(rows: readonly RowComparison[]): string {
  const values = rows.map((r) => r.leanVsYoga).filter(Number.isFinite);
  if (values.length === 0) return 'n/a';
  return `${times(Math.min(...values))}–${times(Math.max(...values))}`;
}
