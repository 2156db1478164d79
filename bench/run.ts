/**
 * `npm run bench`: starts the embedded OData service, the gateway (BATCH_MODE json and off) and a
 * pass-through proxy as separate child processes, measures them side by side from this process, and
 * prints one markdown report (stdout; progress goes to stderr).
 *
 * Exit code: 1 when scenario 1 finds more upstream requests than the bound (a correctness failure),
 * 2 when the bench itself could not run; 0 otherwise, even when a performance target is missed.
 */
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config.js';
import type { BenchChild } from './children.js';
import { heading, mebibytes, times } from './format.js';
import { loadAverage, machineHeader } from './machine.js';
import { formatBatching, measureBatching } from './scenarios/batching.js';
import { THROUGHPUT_TARGET, TARGETS, compare, formatLoad, measureLoad, prepareWorkloads, primeAll } from './scenarios/latency.js';
import { type MemoryPoint, formatMemory, gatewayRuns, loadSecondsPerRepetition, repeatGatewayLoad } from './scenarios/memory.js';
import { findProfile, formatProfile } from './scenarios/profile.js';
import { formatRequestCounts, measureRequestCounts } from './scenarios/request-counts.js';
import { loadSettings } from './settings.js';
import { startGateway, startProxy, startUpstream } from './stack.js';
import { ratio } from './stats.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROFILE_DIR = fileURLToPath(new URL('./profiles/', import.meta.url));

const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;
const progress = (line: string) => process.stderr.write(`[bench ${elapsedS().toFixed(0).padStart(3)} s] ${line}\n`);

async function main(): Promise<number> {
  const settings = loadSettings();
  const sections: string[] = ['# Gateway bench', '', machineHeader()];
  const children: BenchChild[] = [];
  let gatewayPid: number | undefined;
  let summary: string[] = [];
  let countsFailed = 0;

  try {
    if (settings.profile) await mkdir(PROFILE_DIR, { recursive: true });
    progress('starting upstream, gateways and proxy');
    const upstream = await startUpstream();
    children.push(upstream);
    const upstreamOrigin = new URL(upstream.url).origin;
    const [gateway, gatewayOff, proxy] = await Promise.all([
      startGateway({ upstreamUrl: upstream.url, batchMode: 'json', ...(settings.profile ? { profileDir: PROFILE_DIR } : {}) }),
      startGateway({ upstreamUrl: upstream.url, batchMode: 'off' }),
      startProxy(upstreamOrigin),
    ]);
    children.push(gateway, gatewayOff, proxy);
    gatewayPid = gateway.pid;

    progress('scenario 1: upstream request counts');
    const countRows = await measureRequestCounts(gateway, upstream);
    countsFailed = countRows.filter((row) => !row.ok).length;

    const memoryPoints: MemoryPoint[] = [{ label: 'start (after scenario 1)', served: 0, memory: await gateway.call('memory') }];

    progress('scenario 2: latency and throughput');
    const workloads = await prepareWorkloads({ upstream, gateway, proxy });
    await primeAll(workloads, settings, (line) => progress(`scenario 2: ${line}`));
    const measurements = await measureLoad(workloads, TARGETS, settings, upstream, (line) => progress(`scenario 2: ${line}`));
    const comparisons = compare(measurements);
    const firstRepetition = gatewayRuns(measurements);
    let served = firstRepetition.reduce((sum, m) => sum + m.result.ok, 0);
    memoryPoints.push({ label: '1× scenario-2 load', served, memory: await gateway.call('memory') });

    progress(`scenario 4: repeating the gateway load to ${settings.memoryLoadFactor}×`);
    const moreRepetitions = await repeatGatewayLoad(workloads, settings, upstream, (line) => progress(`scenario 4: ${line}`));
    served += moreRepetitions.flat().reduce((sum, m) => sum + m.result.ok, 0);
    memoryPoints.push({ label: `${settings.memoryLoadFactor}× scenario-2 load`, served, memory: await gateway.call('memory') });

    progress('scenario 3: $batch on vs off');
    const batching = await measureBatching({ json: gateway, off: gatewayOff }, upstream, settings);

    sections.push(
      formatRequestCounts(countRows),
      formatLoad(measurements, comparisons, settings),
      formatBatching(batching, defaultConfig().getConcurrency),
      formatMemory(memoryPoints, [firstRepetition, ...moreRepetitions], loadSecondsPerRepetition(workloads, settings), settings.memoryLoadFactor),
    );

    const worst = comparisons.reduce((min, c) => Math.min(min, c.vsProxy.rps), Number.POSITIVE_INFINITY);
    const met = comparisons.filter((c) => c.targetMet).length;
    const on = batching.find((r) => r.mode === 'json');
    const off = batching.find((r) => r.mode === 'off');
    const first = memoryPoints[1]!.memory;
    const last = memoryPoints.at(-1)!.memory;
    summary = [
      `request counts ${countsFailed === 0 ? 'OK' : 'FAIL'} (${countRows.length - countsFailed}/${countRows.length} within bound)`,
      `gateway req/s vs proxy ${times(worst)} at worst (target ${THROUGHPUT_TARGET}× ${met === comparisons.length ? 'met' : 'MISSED'} in ${met}/${comparisons.length} rows)`,
      `k=100 p50 $batch off/on ${on && off ? times(ratio(off.p50, on.p50)) : 'n/a'}`,
      `gateway peak RSS ${mebibytes(first.maxRss)} → ${mebibytes(last.maxRss)} (${times(ratio(last.maxRss, first.maxRss))}), live heap ${times(ratio(last.liveHeap, first.liveHeap))} from 1× to ${settings.memoryLoadFactor}× load`,
    ];
  } finally {
    progress('stopping children');
    // The gateway writes its CPU profile while exiting; stop everything before reading it.
    await Promise.all(children.map((child) => child.stop()));
  }

  if (settings.profile && gatewayPid !== undefined) {
    const path = await findProfile(PROFILE_DIR, gatewayPid);
    sections.push(path ? await formatProfile(path, PROJECT_ROOT) : `${heading('5. CPU profile of the gateway')}\nNo profile of pid ${gatewayPid} found in ${PROFILE_DIR}.`);
  }

  sections.push('', `Load average (1/5/15 min) at the end: ${loadAverage()}; the bench's own load included.`);
  sections.push('', `Summary: ${summary.join('; ')}; wall time ${elapsedS().toFixed(0)} s.`);
  process.stdout.write(`${sections.join('\n')}\n`);
  return countsFailed > 0 ? 1 : 0;
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
