/**
 * `npm run bench`: starts the embedded OData service, three gateway processes (HTTP_HANDLER lean, which also
 * serves a METRICS=off twin to cost metrics against, and yoga, with BATCH_MODE json; lean with BATCH_MODE off)
 * and a pass-through proxy as separate child processes, measures them side by side from this process, then
 * measures the memory of the process tree `npm start` runs, and prints one markdown report (stdout; progress
 * goes to stderr). Settings: settings.ts.
 *
 * Exit code: 1 on a correctness failure (scenario 1 finds more upstream requests than the bound, or the
 * `npm start` tree does not start or answers without data), 2 when the bench itself could not run; 0
 * otherwise, even when a performance goal is missed.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config.js';
import type { BenchChild } from './children.js';
import { heading, times } from './format.js';
import { loadAverage, machineHeader } from './machine.js';
import { formatBatching, measureBatching, type ModeResult } from './scenarios/batching.js';
import { TARGETS, measureLoad, prepareWorkloads, primeAll } from './scenarios/latency.js';
import { type RowComparison, compareRows, formatGatewayMemory, formatLoad } from './scenarios/latency-report.js';
import { findProfile, formatProfile } from './scenarios/profile.js';
import { type CountRow, formatRequestCounts, measureRequestCounts } from './scenarios/request-counts.js';
import { formatTreeMemory, treeProblems } from './scenarios/tree-memory-report.js';
import { type TreeMemory, measureTreeMemory } from './scenarios/tree-memory.js';
import { type BenchSettings, loadSettings } from './settings.js';
import { startGateway, startProxy, startUpstream } from './stack.js';
import { ratio } from './stats.js';
import {
  type Verdict,
  cpuRange,
  formatVerdicts,
  leanVsYogaRange,
  metricsCostVerdict,
  metricsRatioRange,
  throughputVerdict,
  treeGrowthVerdict,
  treePeakVerdict,
} from './summary.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROFILE_DIR = fileURLToPath(new URL('./profiles/', import.meta.url));

const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;
const progress = (line: string) => process.stderr.write(`[bench ${elapsedS().toFixed(0).padStart(3)} s] ${line}\n`);

/** The METRICS=off twin that `child` serves in its own process, as a target of its own (its CPU is the child's). */
function twinOf(child: BenchChild): BenchChild {
  if (child.twinUrl === undefined) throw new Error(`${child.label}: started without its METRICS=off twin`);
  return { ...child, label: `${child.label}: its METRICS=off twin`, url: child.twinUrl, twinUrl: undefined, stop: async () => undefined };
}

function setupNote(settings: BenchSettings): string {
  return [
    heading('Setup'),
    '- Every gateway runs with every feature on but one: its plugins (request guards, persisted queries, document and nesting limits, request budget,',
    '  CSRF rule, readiness, request log, cache headers, error masking) are not switchable, and every setting is at its default, LOG_LEVEL info',
    '  included (one log line per GraphQL request, to the child\'s stdout = /dev/null), except UPSTREAM_URL (the bench upstream), PORT=0,',
    '  HTTP_HANDLER and BATCH_MODE as named, and BATCH_MAX=20 / UPSTREAM_CONNECTIONS=32 (their defaults, pinned); NODE_ENV=production as `npm start` sets it.',
    '  METRICS is on (the default, pinned; Prometheus metrics at /metrics) in every gateway but lean-nometrics, which has METRICS=off; tracing is off',
    '  in all of them (the default: no OTEL_* variable is passed), so lean ÷ lean-nometrics is the throughput the default observability costs.',
    '  lean-nometrics is a second gateway in the lean child\'s own process (on a port of its own, idle while lean is measured and the other way',
    '  round): gateway processes with identical settings measured up to ±11% apart in CPU per request here, more than the cost being measured.',
    '- The gateway children run the compiled JavaScript of dist/ (built first, as `npm start` does) under a small tsx-run wrapper; the upstream and proxy children run their TypeScript through tsx; scenario 4 runs `npm start` itself.',
    `- Run lengths: ${settings.durationS} s × ${settings.rounds} rounds per path and row, ${settings.treeRequests} requests for the 1× tree load${settings.short ? ' (BENCH_SHORT=1: a smoke run, not figures to quote)' : ''}.`,
  ].join('\n');
}

interface StackResults {
  counts: CountRow[];
  rows: RowComparison[];
  batching: ModeResult[];
  leanPid: number;
  sections: string[];
}

/** Scenarios 1–3 on the bench's own children; they are stopped before this returns. */
async function measureStack(settings: BenchSettings): Promise<StackResults> {
  const children: BenchChild[] = [];
  try {
    if (settings.profile) await mkdir(PROFILE_DIR, { recursive: true });
    // The gateway children run dist/, as npm start does; the same incremental build npm start runs.
    progress('building (npm run build)');
    execFileSync('npm', ['run', '-s', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    progress('starting upstream, gateways and proxy');
    const upstream = await startUpstream();
    children.push(upstream);
    const [lean, yoga, gatewayOff, proxy] = await Promise.all([
      startGateway({ upstreamUrl: upstream.url, batchMode: 'json', httpHandler: 'lean', metricsOffTwin: true, ...(settings.profile ? { profileDir: PROFILE_DIR } : {}) }),
      startGateway({ upstreamUrl: upstream.url, batchMode: 'json', httpHandler: 'yoga' }),
      startGateway({ upstreamUrl: upstream.url, batchMode: 'off', httpHandler: 'lean' }),
      startProxy(new URL(upstream.url).origin),
    ]);
    children.push(lean, yoga, gatewayOff, proxy);
    const processes = { upstream, lean, leanNoMetrics: twinOf(lean), yoga, proxy };

    progress('scenario 1: upstream request counts');
    const counts = await measureRequestCounts(lean, upstream);

    progress('scenario 2: throughput, latency and CPU per request');
    const workloads = await prepareWorkloads(processes);
    await primeAll(workloads, settings, (line) => progress(`scenario 2: ${line}`));
    const measurements = await measureLoad(workloads, settings, processes, (line) => progress(`scenario 2: ${line}`));
    const rows = compareRows(measurements);
    const memory = [
      { child: 'HTTP_HANDLER=lean (and its METRICS=off twin)', memory: await lean.call('memory') },
      { child: 'HTTP_HANDLER=yoga', memory: await yoga.call('memory') },
    ];

    progress('scenario 3: $batch on vs off');
    const batching = await measureBatching({ json: lean, off: gatewayOff }, upstream, settings);

    return {
      counts,
      rows,
      batching,
      leanPid: lean.pid,
      sections: [
        formatRequestCounts(counts),
        `${formatLoad(rows, TARGETS, settings)}\n\n${formatGatewayMemory(memory)}`,
        formatBatching(batching, defaultConfig().getConcurrency),
      ],
    };
  } finally {
    progress('stopping children');
    // The gateway writes its CPU profile while exiting; stop everything before reading it.
    await Promise.all(children.map((child) => child.stop()));
  }
}

async function main(): Promise<number> {
  const settings = loadSettings();
  const sections: string[] = ['# Gateway bench', '', machineHeader(), setupNote(settings)];

  const stack = await measureStack(settings);
  sections.push(...stack.sections);

  progress('scenario 4: memory of the `npm start` process tree');
  let tree: TreeMemory | undefined;
  let treeFailure: string | undefined;
  try {
    tree = await measureTreeMemory(settings, PROJECT_ROOT, (line) => progress(`scenario 4: ${line}`));
    sections.push(formatTreeMemory(tree, settings));
  } catch (error) {
    treeFailure = error instanceof Error ? error.message : String(error);
    sections.push(`${heading('4. Memory of the `npm start` process tree')}\n\`npm start\` could not be measured: ${treeFailure}`);
  }

  if (settings.profile) {
    const path = await findProfile(PROFILE_DIR, stack.leanPid);
    sections.push(path ? await formatProfile(path, PROJECT_ROOT) : `${heading('5. CPU profile of the gateway')}\nNo profile of pid ${stack.leanPid} found in ${PROFILE_DIR}.`);
  }

  const countsFailed = stack.counts.filter((row) => !row.ok).length;
  const problems = treeFailure !== undefined ? [treeFailure.split('\n')[0]!] : tree ? treeProblems(tree) : [];
  const goals: Verdict[] = [
    throughputVerdict(stack.rows, 'lean'),
    throughputVerdict(stack.rows, 'yoga'),
    treePeakVerdict(tree, settings.treeRequests),
    treeGrowthVerdict(tree, settings.treeLoadFactor),
  ];
  const observability: Verdict[] = [metricsCostVerdict(stack.rows)];
  const checks: Verdict[] = [
    {
      subject: 'upstream requests per GraphQL request within the bound (scenario 1)',
      outcome: countsFailed === 0 ? 'OK' : 'FAIL',
      figures: `${stack.counts.length - countsFailed}/${stack.counts.length} rows`,
    },
    {
      subject: '`npm start` starts and answers every request with data (scenario 4)',
      outcome: problems.length === 0 ? 'OK' : 'FAIL',
      figures: problems.length === 0 ? `${tree?.loads.reduce((sum, l) => sum + l.result.ok, 0) ?? 0} answers with data` : problems.join('; '),
    },
  ];
  const on = stack.batching.find((r) => r.mode === 'json');
  const off = stack.batching.find((r) => r.mode === 'off');

  sections.push(
    heading('Summary'),
    'Goals of issue 12 (performance; a MISSED goal does not fail the run):',
    '',
    formatVerdicts(goals),
    '',
    'Goals of issue 13 (observability; a MISSED goal does not fail the run):',
    '',
    formatVerdicts(observability),
    '',
    'Correctness (a FAIL exits with code 1):',
    '',
    formatVerdicts(checks),
    '',
    `Figures: CPU µs per request over the rows: lean ${cpuRange(stack.rows, 'lean')}, lean-nometrics ${cpuRange(stack.rows, 'lean-nometrics')}, yoga ${cpuRange(stack.rows, 'yoga')}, proxy ${cpuRange(stack.rows, 'proxy')};`,
    `lean ÷ yoga req/s ${leanVsYogaRange(stack.rows)}; lean ÷ lean-nometrics req/s ${metricsRatioRange(stack.rows)}; k=100 p50 $batch off/on ${on && off ? times(ratio(off.p50, on.p50)) : 'n/a'}.`,
    `Load average (1/5/15 min) at the end: ${loadAverage()} (the bench's own load included); wall time ${elapsedS().toFixed(0)} s.`,
  );
  process.stdout.write(`${sections.join('\n')}\n`);
  return countsFailed > 0 || problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 2;
  },
);
