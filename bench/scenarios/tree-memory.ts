/**
 * Scenario 4 (measurement): the resident memory of the whole `npm start` process tree (npm, the shell,
 * whatever runs the gateway, the embedded OData service inside it) at rest, after N requests and after
 * 3 × N, N = BENCH_TREE_REQUESTS (default 100k). The load alternates the by-key and the list-of-10 reads
 * of the sample data over a fixed number of connections; every answer must carry data.
 * Report: tree-memory-report.ts.
 */
import { postGraphQL, graphqlData } from '../http.js';
import { type MixResult, runMix } from '../load.js';
import { startNpmStart } from '../npm-start.js';
import { type TreeProcess, readProcessTree } from '../process-tree.js';
import { SAMPLE_LIST_QUERY, SAMPLE_SINGLE_QUERY, SAMPLE_TARGETS, answeredWithData, checkList, checkSingle } from '../sample-workload.js';
import type { BenchSettings } from '../settings.js';
import type { Progress } from './latency.js';

export interface TreeSnapshot {
  label: string;
  /** Requests sent to the tree before the snapshot. */
  requests: number;
  processes: TreeProcess[];
}

export interface TreeLoad {
  label: string;
  result: MixResult;
}

export interface TreeMemory {
  /** Seconds from spawning `npm start` to its ready line. */
  startupS: number;
  snapshots: TreeSnapshot[];
  loads: TreeLoad[];
  /** Problems of the probes before the load (empty when both queries answered the expected data). */
  probeProblems: string[];
  /** stdout of the tree read and thrown away (log lines). */
  drained: { bytes: number; lines: number };
}

/** Long enough for a first `npm start` that builds the project on a slow machine. */
export const READY_TIMEOUT_MS = 300_000;

/** Problems of the by-key and the list-of-10 reads of the sample data (empty when both answered as expected). */
export async function probeSample(url: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, query, check] of [
    ['by key', SAMPLE_SINGLE_QUERY, checkSingle],
    ['list of 10', SAMPLE_LIST_QUERY, checkList],
  ] as const) {
    const answer = graphqlData(await postGraphQL(url, query));
    const problem = answer.ok ? check(answer.data) : answer.problem;
    if (problem !== '') problems.push(`${name}: ${problem}`);
  }
  return problems;
}

export async function measureTreeMemory(settings: BenchSettings, projectRoot: string, progress: Progress): Promise<TreeMemory> {
  progress('starting `npm start` (PORT=0, every other setting at its default)');
  const tree = await startNpmStart({ cwd: projectRoot, readyTimeoutMs: READY_TIMEOUT_MS });
  try {
    progress(`ready after ${tree.startupS.toFixed(1)} s at ${tree.url}`);
    const snapshots: TreeSnapshot[] = [{ label: 'at rest (ready)', requests: 0, processes: await readProcessTree(tree.pid) }];
    const loads: TreeLoad[] = [];
    const probeProblems = await probeSample(tree.url);
    if (probeProblems.length === 0) {
      let requests = 2; // the probes
      const steps = [
        { label: '1×', amount: settings.treeRequests },
        { label: `${settings.treeLoadFactor}×`, amount: settings.treeRequests * (settings.treeLoadFactor - 1) },
      ];
      for (const step of steps) {
        progress(`${step.amount} requests (c=${settings.treeConcurrency}) to reach ${step.label}`);
        const result = await runMix(`${tree.url}/graphql`, SAMPLE_TARGETS, settings.treeConcurrency, { amount: step.amount }, answeredWithData);
        requests += result.ok + result.rejected + result.failures;
        loads.push({ label: step.label, result });
        snapshots.push({ label: `after ${step.label} (${requests} requests)`, requests, processes: await readProcessTree(tree.pid) });
      }
    }
    return { startupS: tree.startupS, snapshots, loads, probeProblems, drained: tree.drained() };
  } finally {
    await tree.stop();
  }
}
