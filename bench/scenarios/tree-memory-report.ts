/**
 * Scenario 4 (report): the `npm start` tree's memory per process and in total, its growth from 1× to 3×
 * the load, and whether every answer carried data. Pure: no I/O.
 */
import { type Column, heading, integer, markdownTable, mebibytes, percent } from '../format.js';
import type { TreeProcess } from '../process-tree.js';
import type { BenchSettings } from '../settings.js';
import { ratio } from '../stats.js';
import type { TreeMemory, TreeSnapshot } from './tree-memory.js';

/** Peak RSS of the whole tree after the 1× load must stay within this. */
export const TREE_PEAK_TARGET_BYTES = 150 * 1024 * 1024;
/** Growth of the tree's peak RSS from 1× to 3× the load must stay within this share. */
export const TREE_GROWTH_TARGET = 0.05;

export interface TreeTotals {
  /** Sum of every process's VmRSS, bytes. */
  rss: number;
  /**
   * Sum of every process's VmHWM, bytes: the peaks need not coincide in time, so this bounds the tree's
   * peak from above.
   */
  peakRss: number;
  processes: number;
}

export function treeTotals(processes: readonly TreeProcess[]): TreeTotals {
  return {
    rss: processes.reduce((sum, p) => sum + p.rss, 0),
    peakRss: processes.reduce((sum, p) => sum + p.peakRss, 0),
    processes: processes.length,
  };
}

/** later / earlier - 1 (0.05 = 5% more); NaN when there is nothing to compare. */
export function growth(earlier: number, later: number): number {
  return ratio(later, earlier) - 1;
}

/** The snapshots after the 1× and after the full load, when the load ran. */
export function loadSnapshots(result: TreeMemory): { first: TreeSnapshot; last: TreeSnapshot } | undefined {
  if (result.snapshots.length < 3) return undefined;
  return { first: result.snapshots[1]!, last: result.snapshots.at(-1)! };
}

/** Correctness problems of the scenario: a probe without the expected data, an answer without data, a failure. */
export function treeProblems(result: TreeMemory): string[] {
  const problems = [...result.probeProblems];
  for (const { label, result: load } of result.loads) {
    if (load.rejected > 0) problems.push(`${label} load: ${load.rejected} answers without data`);
    if (load.failures > 0) problems.push(`${label} load: ${load.failures} failed requests`);
  }
  return problems;
}

function processTable(snapshots: readonly TreeSnapshot[]): string {
  // Rows: every process seen in any snapshot, in tree order of the first snapshot that has it.
  const order: TreeProcess[] = [];
  for (const snapshot of snapshots) for (const p of snapshot.processes) if (!order.some((o) => o.pid === p.pid)) order.push(p);
  const columns: Column[] = [
    { header: 'pid', align: 'right' },
    { header: 'process' },
    ...snapshots.flatMap((s): Column[] => [
      { header: `${s.label}: rss`, align: 'right' },
      { header: 'peak', align: 'right' },
    ]),
  ];
  const cells = (snapshot: TreeSnapshot, pid: number) => {
    const p = snapshot.processes.find((x) => x.pid === pid);
    return p ? [mebibytes(p.rss), mebibytes(p.peakRss)] : ['—', '—'];
  };
  const rows = order.map((p) => [String(p.pid), `${'  '.repeat(p.depth)}${p.command}`, ...snapshots.flatMap((s) => cells(s, p.pid))]);
  const totals = snapshots.flatMap((s) => {
    const t = treeTotals(s.processes);
    return [mebibytes(t.rss), mebibytes(t.peakRss)];
  });
  return markdownTable(columns, [...rows, ['', `total (${order.length} processes)`, ...totals]]);
}

function loadTable(result: TreeMemory): string {
  const columns: Column[] = [
    { header: 'load' },
    { header: 'requests', align: 'right' },
    { header: 'with data', align: 'right' },
    { header: 'without data', align: 'right' },
    { header: 'failed', align: 'right' },
    { header: 'req/s', align: 'right' },
    { header: 'seconds', align: 'right' },
  ];
  const rows = result.loads.map(({ label, result: r }) => [
    label,
    String(r.ok + r.rejected + r.failures),
    String(r.ok),
    String(r.rejected),
    String(r.failures),
    integer(r.rps),
    r.durationS.toFixed(1),
  ]);
  return markdownTable(columns, rows);
}

export function formatTreeMemory(result: TreeMemory, settings: BenchSettings): string {
  const lines = [
    heading(`4. Memory of the \`npm start\` process tree after ${settings.treeRequests} requests and after ${settings.treeLoadFactor}× that`),
    '`npm start` spawned as a user runs it (PORT=0, every other setting at its default: the embedded OData service with its sample data,',
    `LOG_LEVEL info with stdout read and discarded by the bench), ready after ${result.startupS.toFixed(1)} s. Its tree is found by walking the parent links`,
    'of /proc/*/stat from npm\'s pid; rss = VmRSS, peak = VmHWM of /proc/<pid>/status. The total peak is the sum of each process\'s peak (an upper',
    `bound of the tree's peak). Load: the by-key and the list-of-10 reads of \`contosohr\` alternating over ${settings.treeConcurrency} connections; each answer must carry data.`,
    'With no UPSTREAM_URL the embedded OData service runs inside the gateway\'s process, so its memory (its request log included) counts with the gateway\'s.',
    '',
  ];
  if (result.probeProblems.length > 0) {
    lines.push(`The probes before the load failed, so no load ran: ${result.probeProblems.join('; ')}.`, '');
  } else {
    lines.push(loadTable(result), '');
  }
  lines.push(processTable(result.snapshots), '');
  const pair = loadSnapshots(result);
  if (pair) {
    const first = treeTotals(pair.first.processes);
    const last = treeTotals(pair.last.processes);
    lines.push(
      `Tree peak RSS after 1×: ${mebibytes(first.peakRss)} (goal ≤ ${mebibytes(TREE_PEAK_TARGET_BYTES)}); after ${settings.treeLoadFactor}×: ${mebibytes(last.peakRss)}.`,
      `Growth 1× → ${settings.treeLoadFactor}×: peak ${percent(growth(first.peakRss, last.peakRss))} (goal ≤ ${percent(TREE_GROWTH_TARGET)}), rss ${percent(growth(first.rss, last.rss))}.`,
    );
  }
  const drained = result.drained;
  lines.push(`stdout read and discarded: ${drained.lines} lines (${mebibytes(drained.bytes)}).`);
  return lines.join('\n');
}
