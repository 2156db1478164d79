/**
 * `npm run bench`: starts the embedded OData service, two gateway processes (BATCH_MODE json, which also
 * serves a METRICS=off twin to cost metrics against; BATCH_MODE off), the bare graphql-js reference server
 * (bare.ts) and a pass-through proxy as separate child processes, measures them side by side from this
 * process, then measures the memory of the process tree `npm start` runs and of its gateway process (at rest,
 * after GraphiQL, at its peak under load), and prints one markdown report (stdout; progress goes to stderr).
 * Settings: settings.ts.
 *
 * Exit code: 1 on a correctness failure (scenario 1 finds more upstream requests than the bound, or the
 * `npm start` tree does not start, serve GraphiQL or answer with data), 2 when the bench itself could not
 * run; 0 otherwise, even when a performance goal is missed.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config.js';
import type { BenchChild } from './children.js';
import type { TargetName } from './scenarios/latency.js';
import { heading, times } from './format.js';
import { loadAverage, machineHeader } from './machine.js';
import { formatBatching, measureBatching, type ModeResult } from './scenarios/batching.js';
import { measureLoad, prepareWorkloads, primeAll } from './scenarios/latency.js';
import { measureGatewayMemory } from './scenarios/gateway-memory.js';
import { formatGatewayMemory } from './scenarios/gateway-memory-report.js';
import { type RowComparison, compareRows, formatChildMemory, formatLoad } from './scenarios/latency-report.js';
import { findProfile, formatProfile } from './scenarios/profile.js';
import { type CountRow, formatRequestCounts, measureRequestCounts } from './scenarios/request-counts.js';
import { formatTreeMemory, treeProblems } from './scenarios/tree-memory-report.js';
import { measureTreeMemory } from './scenarios/tree-memory.js';
import { type BenchSettings, loadSettings } from './settings.js';
import { START_NODE_FLAGS, startBare, startGateway, startProxy, startUpstream } from './stack.js';
import { ratio } from './stats.js';
import {
  type Verdict,
  cpuRange,
  cpuVsBareVerdict,
  formatVerdicts,
  gatewayPeakVerdict,
  gatewayRestVerdict,
  metricsCostVerdict,
  ratioRange,
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
    '  BATCH_MODE as named, and BATCH_MAX=20 / UPSTREAM_CONNECTIONS=32 (their defaults, pinned); NODE_ENV=production as `npm start` sets it.',
    `  The gateway and bare children run with the node flags \`npm start\` gives the gateway: ${START_NODE_FLAGS.join(' ') || 'none'}.`,
    '  METRICS is on (the default, pinned; Prometheus metrics at /metrics) in every gateway but gateway-nometrics, which has METRICS=off; tracing is off',
    '  in all of them (the default: no OTEL_* variable is passed), so gateway ÷ gateway-nometrics is the throughput the default observability costs.',
    '  gateway-nometrics is a second gateway in the gateway child\'s own process (on a port of its own, idle while the gateway is measured and the other way',
    '  round): gateway processes with identical settings measured up to ±11% apart in CPU per request here, more than the cost being measured.',
    '- The bare server (bench/bare.ts) is the yardstick: node:http, graphql-js `execute` over the same schema subset, parsed and validated documents cached',
    '  by query text, one undici pool (32 connections) making the gateway\'s upstream GET with the same headers, plain resolvers; NODE_ENV=production.',
    '- The gateway children run the compiled JavaScript of dist/ (built first, as `npm start` does) under a small tsx-run wrapper; the upstream, bare and proxy',
    '  children run their TypeScript through tsx; scenarios 4 and 5 run `npm start` itself.',
    `- Run lengths: ${settings.durationS} s × ${settings.rounds} rounds per path and row, ${settings.treeRequests} requests for the 1× tree load, ${settings.memoryLoadS} s of load in scenario 5${settings.short ? ' (BENCH_SHORT=1: a smoke run, not figures to quote)' : ''}.`,
  ].join('\n');
}

interface StackResults {
  counts: CountRow[];
  rows: RowComparison[];
  batching: ModeResult[];
  gatewayPid: number;
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
    progress('starting upstream, gateways, bare server and proxy');
    const upstream = await startUpstream();
    children.push(upstream);
    const [gateway, gatewayOff, bare, proxy] = await Promise.all([
      startGateway({ upstreamUrl: upstream.url, batchMode: 'json', metricsOffTwin: true, ...(settings.profile ? { profileDir: PROFILE_DIR } : {}) }),
      startGateway({ upstreamUrl: upstream.url, batchMode: 'off' }),
      startBare(upstream.url),
      startProxy(new URL(upstream.url).origin),
    ]);
    children.push(gateway, gatewayOff, bare, proxy);
    const processes = { upstream, gateway, gatewayNoMetrics: twinOf(gateway), bare, proxy };

    progress('scenario 1: upstream request counts');
    const counts = await measureRequestCounts(gateway, upstream);

    progress('scenario 2: throughput, latency and CPU per request');
    const workloads = await prepareWorkloads(processes);
    await primeAll(workloads, settings, (line) => progress(`scenario 2: ${line}`));
    const measurements = await measureLoad(workloads, settings, processes, (line) => progress(`scenario 2: ${line}`));
    const rows = compareRows(measurements);
    const memory = [
      { child: 'gateway (and its METRICS=off twin)', memory: await gateway.call('memory') },
      { child: 'bare graphql-js server', memory: await bare.call('memory') },
    ];

    progress('scenario 3: $batch on vs off');
    const batching = await measureBatching({ json: gateway, off: gatewayOff }, upstream, settings);

    return {
      counts,
      rows,
      batching,
      gatewayPid: gateway.pid,
      sections: [
        formatRequestCounts(counts),
        `${formatLoad(rows, settings)}\n\n${formatChildMemory(memory)}`,
        formatBatching(batching, defaultConfig().getConcurrency),
      ],
    };
  } finally {
    progress('stopping children');
    // The gateway writes its CPU profile while exiting; stop everything before reading it.
    await Promise.all(children.map((child) => child.stop()));
  }
}

/**
 * Runs a scenario that starts `npm start`: a start that fails becomes its section's text and a correctness
 * problem (the first line of the error) instead of the end of the run.
 */
async function npmStartScenario<T>(title: string, measure: () => Promise<T>, format: (result: T) => string): Promise<{ result?: T; failure?: string[]; section: string }> {
  try {
    const result = await measure();
    return { result, section: format(result) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failure: [message.split('\n')[0]!], section: `${heading(title)}\n\`npm start\` could not be measured: ${message}` };
  }
}

async function main(): Promise<number> {
  const settings = loadSettings();
  const sections: string[] = ['# Gateway bench', '', machineHeader(), setupNote(settings)];

  const stack = await measureStack(settings);
  sections.push(...stack.sections);

  progress('scenario 4: memory of the `npm start` process tree');
  const tree = await npmStartScenario(
    '4. Memory of the `npm start` process tree',
    () => measureTreeMemory(settings, PROJECT_ROOT, (line) => progress(`scenario 4: ${line}`)),
    (result) => formatTreeMemory(result, settings),
  );
  progress('scenario 5: memory of the gateway process (at rest, after GraphiQL, under load)');
  const gatewayMemory = await npmStartScenario(
    '5. Memory of the gateway process',
    () => measureGatewayMemory(settings, PROJECT_ROOT, (line) => progress(`scenario 5: ${line}`)),
    (result) => formatGatewayMemory(result, settings),
  );
  sections.push(tree.section, gatewayMemory.section);

  if (settings.profile) {
    const path = await findProfile(PROFILE_DIR, stack.gatewayPid);
    sections.push(path ? await formatProfile(path, PROJECT_ROOT) : `${heading('6. CPU profile of the gateway')}\nNo profile of pid ${stack.gatewayPid} found in ${PROFILE_DIR}.`);
  }

  const countsFailed = stack.counts.filter((row) => !row.ok).length;
  const problems = tree.failure ?? (tree.result ? treeProblems(tree.result) : []);
  const memoryProblems = gatewayMemory.failure ?? gatewayMemory.result?.problems ?? [];
  const limit: Verdict[] = [
    throughputVerdict(stack.rows),
    cpuVsBareVerdict(stack.rows),
    gatewayRestVerdict(gatewayMemory.result),
    gatewayPeakVerdict(gatewayMemory.result, settings.memoryLoadS),
  ];
  const tree12: Verdict[] = [treePeakVerdict(tree.result, settings.treeRequests), treeGrowthVerdict(tree.result, settings.treeLoadFactor)];
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
      figures: problems.length === 0 ? `${tree.result?.loads.reduce((sum, l) => sum + l.result.ok, 0) ?? 0} answers with data` : problems.join('; '),
    },
    {
      subject: '`npm start` serves GraphiQL and answers every request with data (scenario 5)',
      outcome: memoryProblems.length === 0 ? 'OK' : 'FAIL',
      figures: memoryProblems.length === 0 ? `GraphiQL ${gatewayMemory.result?.graphiql?.bytes ?? 0} bytes, ${gatewayMemory.result?.load?.ok ?? 0} answers with data` : memoryProblems.join('; '),
    },
  ];
  const on = stack.batching.find((r) => r.mode === 'json');
  const off = stack.batching.find((r) => r.mode === 'off');
  const rpsRatio = (a: TargetName, b: TargetName) => ratioRange(stack.rows.map((r) => ratio(r.paths[a].rps, r.paths[b].rps)));

  sections.push(
    heading('Summary'),
    'Goals of issue 21 (the gateway at the limit of a Node GraphQL server; a MISSED goal does not fail the run):',
    '',
    formatVerdicts(limit),
    '',
    'Goals of issue 12 (the `npm start` tree; a MISSED goal does not fail the run):',
    '',
    formatVerdicts(tree12),
    '',
    'Goals of issue 13 (observability; a MISSED goal does not fail the run):',
    '',
    formatVerdicts(observability),
    '',
    'Correctness (a FAIL exits with code 1):',
    '',
    formatVerdicts(checks),
    '',
    `Figures: CPU µs per request over the rows: gateway ${cpuRange(stack.rows, 'gateway')}, gateway-nometrics ${cpuRange(stack.rows, 'gateway-nometrics')}, bare ${cpuRange(stack.rows, 'bare')}, proxy ${cpuRange(stack.rows, 'proxy')};`,
    `req/s gateway ÷ proxy ${rpsRatio('gateway', 'proxy')}, gateway ÷ bare ${rpsRatio('gateway', 'bare')}, bare ÷ proxy ${rpsRatio('bare', 'proxy')}, gateway ÷ gateway-nometrics ${rpsRatio('gateway', 'gateway-nometrics')};`,
    `k=100 p50 $batch off/on ${on && off ? times(ratio(off.p50, on.p50)) : 'n/a'}.`,
    `Load average (1/5/15 min) at the end: ${loadAverage()} (the bench's own load included); wall time ${elapsedS().toFixed(0)} s.`,
  );
  process.stdout.write(`${sections.join('\n')}\n`);
  return countsFailed > 0 || problems.length > 0 || memoryProblems.length > 0 ? 1 : 0;
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
