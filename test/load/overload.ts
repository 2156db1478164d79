/**
 * The overload test of issue 10 (`npm run test:overload`): 2000 abusive clients, each sending requests of
 * 100 keyed reads back to back, against an upstream answering in 200 ms. The gateway must refuse what it
 * cannot take at once (503 OVERLOADED), answer what it took within its deadline, keep its memory bounded,
 * and, once the clients leave, drop their work and serve a plain read again within 2 s.
 *
 * The embedded OData service runs in this process (so its requests can be counted and timed); the gateway
 * runs as a child process (`node --import tsx src/main.ts`), so the memory read from /proc is its own.
 * Exits 1 on any violation (see overload/checks.ts and overload/tally.ts).
 *
 *   OVERLOAD_SECONDS=15 npm run test:overload      (or: npm run test:overload -- --seconds 15 --clients 2000)
 */
import { defaultConfig } from '../../src/config.js';
import { checkBounds, REQUEST_DEADLINE_MS } from './overload/checks.js';
import { startClients } from './overload/clients.js';
import { classifyAnswer } from './overload/classify.js';
import { scrapeLoopDelayMaxMs } from './overload/gateway-loop.js';
import { GatewayProcess } from './overload/gateway-process.js';
import { GatewayClient } from './overload/http.js';
import { MemorySampler } from './overload/memory.js';
import { type OverloadOptions, overloadOptions } from './overload/options.js';
import { ProcessMonitor } from './process-monitor.js';
import { measureRecovery, PROBE_REQUEST_ID_PREFIX, PROBE_TIMEOUT_MS } from './overload/recovery.js';
import { formatOverloadReport } from './overload/report.js';
import { LoadTally, summarize } from './overload/tally.js';
import { CountedUpstream } from './overload/upstream.js';
import { seedWorkload } from './overload/workload.js';
import { Violations } from './violations.js';

const UPSTREAM_LATENCY_MS = 200;
/** Half again the gateway's deadline: an answer still missing then is a hang, not a slow answer. */
const CLIENT_TIMEOUT_MS = REQUEST_DEADLINE_MS + 5000;
/** Once everything is closed the process must end by itself; if it does not, say what holds it. */
const EXIT_WATCHDOG_MS = 5000;
/** The whole run (start, load, recovery, stop) past the load time; beyond it the run is stuck. */
const RUN_OVERHEAD_LIMIT_MS = 60_000;

async function run(options: OverloadOptions): Promise<boolean> {
  const wallStart = performance.now();
  const violations = new Violations();
  const upstream = await CountedUpstream.start(PROBE_REQUEST_ID_PREFIX);
  const workload = seedWorkload(upstream.service.store);
  const settings: Record<string, string> = {
    UPSTREAM_URL: upstream.serviceRoot,
    HOST: '127.0.0.1',
    PORT: '0',
    REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS),
    SHUTDOWN_GRACE_MS: '1000',
    LOG_LEVEL: options.logLevel,
    NODE_ENV: 'production',
  };
  let gateway: GatewayProcess | undefined;
  let load: GatewayClient | undefined;
  let probeClient: GatewayClient | undefined;
  try {
    gateway = await GatewayProcess.start(settings);
    probeClient = new GatewayClient(gateway.url, 2, PROBE_TIMEOUT_MS);
    // The stack must work before it is loaded: one plain read, no latency.
    const first = await probeClient.post(workload.probe.body);
    if (first.kind !== 'answer' || classifyAnswer(first, workload.probe).kind !== 'full') {
      throw new Error(`the gateway does not serve a plain read before the load: ${JSON.stringify(first).slice(0, 300)}`);
    }

    const memory = new MemorySampler(gateway.pid);
    load = new GatewayClient(gateway.url, options.clients + 16, CLIENT_TIMEOUT_MS);
    const warmFailures = await load.warm(options.clients);
    upstream.service.faults.latency(UPSTREAM_LATENCY_MS);

    const tally = new LoadTally(violations);
    // This process's event-loop delay is part of every client-side latency: shown, so it can be told apart.
    const self = new ProcessMonitor();
    await scrapeLoopDelayMaxMs(gateway.url);
    const clients = startClients(load, workload.reads, options.clients, tally);
    await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
    const endedAt = clients.leave();
    const selfReport = self.stop();
    const gatewayLoopDelayMaxMs = await scrapeLoopDelayMaxMs(gateway.url);
    memory.mark('at the end of the load');
    // Probing starts as the clients leave, while this process is still unwinding their requests.
    const [unwoundMs, recovery] = await Promise.all([
      clients.finished.then(() => performance.now() - endedAt),
      measureRecovery(probeClient, workload.probe, upstream, endedAt),
    ]);
    memory.mark('after recovery');
    const memoryReport = memory.stop();
    const gatewayAlive = gateway.running;
    await gateway.stop();

    const defaults = defaultConfig();
    const figures = {
      clients: options.clients,
      maxConcurrentRequests: defaults.maxConcurrentRequests,
      full: tally.full,
      refused: tally.refused,
      refusedWithRetryAfter: tally.refusedWithRetryAfter,
      admitted: summarize(tally.admittedMs),
      refusals: summarize(tally.refusedMs),
      left: summarize(tally.leftMs),
      memory: memoryReport,
      recovery,
      gatewayAlive,
      clientLoopDelayMaxMs: selfReport.loopDelayMaxMs,
      gatewayLoopDelayMaxMs,
    };
    checkBounds(figures, violations);
    const defaultsShown = `MAX_CONCURRENT_REQUESTS=${defaults.maxConcurrentRequests} UPSTREAM_QUEUE_MAX=${defaults.upstreamQueueMax} UPSTREAM_CONNECTIONS=${defaults.upstreamConnections}`;
    console.log(
      formatOverloadReport({
        settings: `${options.clients} clients x ${workload.reads[0]!.keys.length} keyed reads, upstream latency ${UPSTREAM_LATENCY_MS} ms, REQUEST_DEADLINE_MS=${REQUEST_DEADLINE_MS} ${defaultsShown} (defaults), client timeout ${CLIENT_TIMEOUT_MS} ms`,
        loadMs: endedAt - clients.startedAt,
        unwoundMs,
        wallMs: performance.now() - wallStart,
        warmFailures,
        testProcess: selfReport,
        tally,
        figures,
        upstream: upstream.snapshot,
        logs: gateway.logReport,
        violations,
      }),
    );
    return violations.total === 0;
  } finally {
    await gateway?.stop();
    await load?.close();
    await probeClient?.close();
    await upstream.close();
  }
}

async function main(): Promise<void> {
  let options: OverloadOptions;
  try {
    options = overloadOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  const stuck = setTimeout(() => {
    console.error(`OVERLOAD TEST FAILED: the run did not finish within ${options.seconds} s + ${RUN_OVERHEAD_LIMIT_MS / 1000} s`);
    process.exit(1);
  }, options.seconds * 1000 + RUN_OVERHEAD_LIMIT_MS);
  stuck.unref();
  const passed = await run(options);
  clearTimeout(stuck);
  console.log(passed ? 'OVERLOAD TEST PASSED' : 'OVERLOAD TEST FAILED');
  process.exitCode = passed ? 0 : 1;
  const watchdog = setTimeout(() => {
    const active = new Map<string, number>();
    for (const name of process.getActiveResourcesInfo()) active.set(name, (active.get(name) ?? 0) + 1);
    const shown = [...active].map(([name, n]) => `${name} x${n}`).join(', ');
    console.error(`the process did not exit ${EXIT_WATCHDOG_MS} ms after closing; still active: ${shown}`);
    process.exit(process.exitCode === 0 ? 3 : process.exitCode);
  }, EXIT_WATCHDOG_MS);
  watchdog.unref();
}

main().catch((error: unknown) => {
  console.error('OVERLOAD TEST FAILED: the test crashed:', error);
  process.exit(1);
});
