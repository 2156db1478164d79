/**
 * Scenario 5 (measurement, issue 21): the memory of the gateway process alone, the `node dist/main.js` that
 * `npm start` runs with the embedded OData service inside it: its resident set at rest (idle 3 s after ready, no request yet),
 * after one GraphiQL page has been served (GET /graphql with `Accept: text/html`, the whole body read), and
 * its peak under `settings.memoryLoadS` s of load after that (the by-key and list-of-10 reads of scenario 4).
 * A fresh `npm start` of its own (npm-start.ts, as scenario 4), so that scenario 4's loads are not in its
 * peak. Read from /proc (VmRSS, VmHWM) like scenario 4. Report: gateway-memory-report.ts.
 */
import { type PageResponse, getPage } from '../http.js';
import { type MixResult, runMix } from '../load.js';
import { startNpmStart } from '../npm-start.js';
import { type TreeProcess, leaves, readProcessTree } from '../process-tree.js';
import { SAMPLE_TARGETS, answeredWithData } from '../sample-workload.js';
import type { BenchSettings } from '../settings.js';
import type { Progress } from './latency.js';
import { READY_TIMEOUT_MS, probeSample } from './tree-memory.js';

/**
 * How long the process idles after its ready line before "at rest" is read: right at that line it still holds
 * its start's garbage (its resident set is its start-up peak then), which V8 collects within a second or two of
 * idling. The start-up peak itself stays in every later VmHWM.
 */
const SETTLE_MS = 3000;

/** What `npm start` finally runs; its process is the gateway with the embedded service. */
const GATEWAY_SCRIPT = 'dist/main.js';

export interface GatewayMemory {
  startupS: number;
  /** The gateway process at rest (ready, before any request), after GraphiQL, and after the load. */
  atRest: TreeProcess | undefined;
  afterGraphiql: TreeProcess | undefined;
  afterLoad: TreeProcess | undefined;
  graphiql: PageResponse | undefined;
  load: MixResult | undefined;
  /** Correctness problems: no gateway process found, GraphiQL not served, a probe or an answer without data. */
  problems: string[];
}

/** The gateway process of the tree under `root`: the leaf running dist/main.js (npm and its shell sit above it). */
async function gatewayProcess(root: number): Promise<TreeProcess | undefined> {
  const tree = await readProcessTree(root);
  const bottom = new Set(leaves(tree));
  return tree.find((p) => bottom.has(p.pid) && p.command.includes(GATEWAY_SCRIPT));
}

export async function measureGatewayMemory(settings: BenchSettings, projectRoot: string, progress: Progress): Promise<GatewayMemory> {
  progress('starting `npm start` afresh (PORT=0, every other setting at its default)');
  const tree = await startNpmStart({ cwd: projectRoot, readyTimeoutMs: READY_TIMEOUT_MS });
  const result: GatewayMemory = {
    startupS: tree.startupS,
    atRest: undefined,
    afterGraphiql: undefined,
    afterLoad: undefined,
    graphiql: undefined,
    load: undefined,
    problems: [],
  };
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    result.atRest = await gatewayProcess(tree.pid);
    if (!result.atRest) {
      result.problems.push(`no process running ${GATEWAY_SCRIPT} under npm start (pid ${tree.pid})`);
      return result;
    }
    progress('one GraphiQL page (GET /graphql, Accept: text/html)');
    result.graphiql = await getPage(`${tree.url}/graphql`, 'text/html');
    if (result.graphiql.status !== 200 || !result.graphiql.contentType.startsWith('text/html')) {
      result.problems.push(`GraphiQL: HTTP ${result.graphiql.status}, content-type ${result.graphiql.contentType || 'none'}`);
    }
    result.afterGraphiql = await gatewayProcess(tree.pid);
    result.problems.push(...(await probeSample(tree.url)));
    if (result.problems.length > 0) return result;
    progress(`${settings.memoryLoadS} s of load (c=${settings.treeConcurrency})`);
    result.load = await runMix(`${tree.url}/graphql`, SAMPLE_TARGETS, settings.treeConcurrency, { durationS: settings.memoryLoadS }, answeredWithData);
    result.afterLoad = await gatewayProcess(tree.pid);
    if (result.load.rejected > 0) result.problems.push(`load: ${result.load.rejected} answers without data`);
    if (result.load.failures > 0) result.problems.push(`load: ${result.load.failures} failed requests`);
    return result;
  } finally {
    await tree.stop();
  }
}
