/**
 * Scenario 4: the gateway's resident memory after the scenario-2 load and after N times that load. A
 * gateway that keeps nothing across requests should plateau: peak RSS after 3× the load close to 1×.
 * Per-repetition throughput is shown alongside, since a leak often shows first as a slowdown (GC).
 */
import type { BenchChild } from '../children.js';
import { type Column, heading, markdownTable, mebibytes, times } from '../format.js';
import type { MemoryReport } from '../protocol.js';
import type { BenchSettings } from '../settings.js';
import { ratio } from '../stats.js';
import { type Measurement, type Progress, type Workload, measureLoad } from './latency.js';

export interface MemoryPoint {
  label: string;
  /** Gateway requests answered in measured runs so far. */
  served: number;
  memory: MemoryReport;
}

/** One repetition of the scenario-2 gateway load: its measured gateway runs. */
export type Repetition = readonly Measurement[];

export function gatewayRuns(measurements: readonly Measurement[]): Measurement[] {
  return measurements.filter((m) => m.target === 'gateway');
}

/** Seconds the gateway is under load in one repetition (warm-ups included: they are load too). */
export function loadSecondsPerRepetition(workloads: readonly Workload[], settings: BenchSettings): number {
  return workloads.length * settings.concurrencies.length * (settings.warmupS + settings.durationS);
}

/** Repeats the gateway part of scenario 2 until it has run `settings.memoryLoadFactor` times in all. */
export async function repeatGatewayLoad(
  workloads: readonly Workload[],
  settings: BenchSettings,
  upstream: BenchChild,
  progress: Progress,
): Promise<Repetition[]> {
  const repetitions: Repetition[] = [];
  for (let r = 2; r <= settings.memoryLoadFactor; r++) {
    repetitions.push(await measureLoad(workloads, ['gateway'], settings, upstream, (line) => progress(`repetition ${r}: ${line}`)));
  }
  return repetitions;
}

export function formatMemory(points: readonly MemoryPoint[], repetitions: readonly Repetition[], loadS: number, factor: number): string {
  const columns: Column[] = [
    { header: 'gateway after' },
    { header: 'requests served', align: 'right' },
    { header: 'rss', align: 'right' },
    { header: 'peak rss (maxRSS)', align: 'right' },
    { header: 'live heap (after GC)', align: 'right' },
  ];
  const rows = points.map((p) => [p.label, String(p.served), mebibytes(p.memory.rss), mebibytes(p.memory.maxRss), mebibytes(p.memory.liveHeap)]);
  const first = points.find((p) => p.label.startsWith('1×'));
  const last = points.at(-1);
  const growth =
    first && last && first !== last
      ? `Growth ${factor}× vs 1×: rss ${times(ratio(last.memory.rss, first.memory.rss))}, peak rss ${times(ratio(last.memory.maxRss, first.memory.maxRss))}, live heap ${times(ratio(last.memory.liveHeap, first.memory.liveHeap))}.`
      : 'Growth: n/a.';

  const runNames = repetitions[0]?.map((m) => `${m.workload} c=${m.concurrency}`) ?? [];
  const repColumns: Column[] = [{ header: 'repetition' }, ...runNames.map((name) => ({ header: `${name} req/s`, align: 'right' as const }))];
  const repRows = repetitions.map((rep, i) => [String(i + 1), ...rep.map((m) => m.result.rps.toFixed(0))]);

  return [
    heading(`4. Gateway memory after the scenario-2 load and after ${factor}× that load`),
    `One repetition = the gateway runs of scenario 2 (${loadS} s under load, warm-ups included; the first also had the prime); ${factor}× = ${factor} repetitions in all.`,
    'rss and maxRSS are read as the load left them; live heap right after a forced full GC. The child runs the TypeScript sources through tsx,',
    "whose loader thread and the eagerly loaded modules make up most of the starting RSS: read the growth, not the absolute size.",
    '',
    markdownTable(columns, rows),
    '',
    growth,
    '',
    'Gateway throughput per repetition (a leak tends to show as a slowdown):',
    '',
    markdownTable(repColumns, repRows),
  ].join('\n');
}
