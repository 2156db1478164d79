/**
 * The load test of issue 6 (`npm run test:load`): the embedded OData service (with tenancy) and the
 * gateway in this process on loopback ports, ~5% of upstream requests faulted, N clients of two tenants
 * creating, reading, listing and updating for LOAD_SECONDS; then, faults off, every answer is held
 * against the stores. Exits 1 on any contract violation or if nothing was created at all.
 *
 *   LOAD_SECONDS=8 npm run test:load        (or: npm run test:load -- --seconds 8)
 */
import { startStack, type Stack } from '../support/stack.js';
import { newClient, runClient } from './client.js';
import type { RunContext } from './context.js';
import { installFaults, SLOW_FAULT_MS } from './fault-plan.js';
import { finalCheck } from './final-check.js';
import { GqlClient } from './gql-client.js';
import { IdPool } from './id-pool.js';
import { Ledger } from './ledger.js';
import { Metrics } from './metrics.js';
import { loadOptions, type LoadOptions } from './options.js';
import { ProcessMonitor } from './process-monitor.js';
import { formatReport } from './report.js';
import { TENANTS, TenancyCheck, type Tenant } from './tenancy.js';
import { UpstreamTally } from './upstream-tally.js';
import { verifySends } from './verify-sends.js';
import { verifyStore } from './verify-store.js';
import { Violations } from './violations.js';

/** Gateway settings for the run: short enough that faults resolve within a run of a few seconds. */
const GATEWAY = {
  upstreamTimeoutMs: 1000,
  requestDeadlineMs: 5000,
  retryMax: 2,
  retryBaseMs: 10,
  retryAfterMaxSeconds: 1,
} as const;
/** Far beyond the gateway's deadline: a request still unanswered then is a hang. */
const CLIENT_TIMEOUT_MS = 15_000;
const CONNECTIONS = ['load-1', 'load-2'] as const;
/** Once everything is closed the process must end by itself; if it does not, say what holds it. */
const EXIT_WATCHDOG_MS = 5000;

async function run(options: LoadOptions): Promise<boolean> {
  const wallStart = Date.now();
  const violations = new Violations();
  let upstreamInternalErrors = 0;
  const stack: Stack = await startStack({
    config: { ...GATEWAY, logLevel: options.logLevel },
    service: {
      tenancy: true,
      onError: (error) => {
        upstreamInternalErrors += 1;
        violations.add('the embedded service failed internally (500)', error instanceof Error ? error.message : String(error));
      },
    },
  });
  const gql = new GqlClient(stack.url, options.clients + 8, CLIENT_TIMEOUT_MS);
  const monitor = new ProcessMonitor();
  const upstream = new UpstreamTally(stack.upstream);
  try {
    for (const tenant of TENANTS) for (const connectionId of CONNECTIONS) stack.upstream.store.addConnection(connectionId, `Load ${connectionId}`, tenant);

    const upstreamOrigin = new URL(stack.serviceRoot);
    const ledger = new Ledger();
    const metrics = new Metrics();
    const tenancy = new TenancyCheck(violations);
    const pools = new Map<Tenant, IdPool>(TENANTS.map((t) => [t, new IdPool()]));
    const context: RunContext = {
      gql,
      store: stack.upstream.store,
      ledger,
      metrics,
      violations,
      tenancy,
      pools,
      connections: CONNECTIONS,
      leakNeedles: [upstreamOrigin.host, upstreamOrigin.pathname + '/', 'Injected fault', 'Bearer '],
    };

    const faults = installFaults(stack.upstream, options.faultRate);
    const loadStart = Date.now();
    const deadline = loadStart + options.seconds * 1000;
    const clients = Array.from({ length: options.clients }, (_, i) => newClient(i, TENANTS[i % TENANTS.length]!));
    await Promise.all(clients.map((client) => runClient(context, client, deadline)));
    const loadMs = Date.now() - loadStart;

    // Faults off; a create delayed by a latency fault may still be executing in the service after the
    // gateway gave up on it: let it land before the stores are read.
    stack.upstream.faults.reset();
    await new Promise((resolve) => setTimeout(resolve, SLOW_FAULT_MS + 500));
    upstream.drain();

    const stores = verifyStore(stack.upstream.store, ledger, tenancy, violations);
    verifySends(upstream, ledger, metrics, violations);
    const final = await finalCheck(gql, stack.upstream.store, pools, CONNECTIONS, violations);
    const created = stores.reduce((sum, s) => sum + s.firstAnswers.success + s.retried.created + s.generated.succeeded, 0);
    if (created === 0) violations.add('no create succeeded', 'a load test that creates nothing verifies nothing');
    if (options.faultRate > 0 && faults.total === 0) violations.add('no fault was injected', 'the fault plan did not apply (did the service change how it applies rules?)');
    if (upstreamInternalErrors > 0) console.error(`embedded service internal errors: ${upstreamInternalErrors}`);

    upstream.stop();
    const processReport = monitor.stop();
    console.log(
      formatReport({
        facts: {
          seconds: options.seconds,
          clients: options.clients,
          faultRate: options.faultRate,
          loadMs,
          wallMs: Date.now() - wallStart,
          gatewaySettings: Object.entries(GATEWAY).map(([k, v]) => `${k}=${v}`).join(' '),
        },
        metrics,
        ledger,
        tenancy,
        upstream,
        faults,
        stores,
        final,
        process: processReport,
        violations,
      }),
    );
    return violations.total === 0;
  } finally {
    upstream.stop();
    monitor.stop();
    await gql.close();
    await stack.close();
  }
}

async function main(): Promise<void> {
  let options: LoadOptions;
  try {
    options = loadOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  const passed = await run(options);
  console.log(passed ? 'LOAD TEST PASSED' : 'LOAD TEST FAILED');
  process.exitCode = passed ? 0 : 1;
  const watchdog = setTimeout(() => {
    console.error(`the process did not exit ${EXIT_WATCHDOG_MS} ms after closing; still active: ${process.getActiveResourcesInfo().join(', ')}`);
    process.exit(process.exitCode === 0 ? 3 : process.exitCode);
  }, EXIT_WATCHDOG_MS);
  watchdog.unref();
}

main().catch((error: unknown) => {
  console.error('load test crashed:', error);
  process.exit(1);
});
