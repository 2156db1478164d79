/**
 * Serving GraphiQL leaves nothing on the gateway's heap (src/plugins/use-graphiql.ts streams the page files
 * `npm run build` wrote): the compiled gateway (`node dist/main.js`, the embedded service, as `npm start`
 * runs it) is measured after full garbage collections (test/support/memory-probe.mjs) before and after
 * serving the page in each encoding. Importing GraphiQL's bundle, or keeping the page in any form, would
 * retain megabytes: the bundle is a 9 MB script, the page 9 MB (1.9 MB br, 2.4 MB gzip).
 */
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildGateway, startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

const MiB = 1024 * 1024;
/** Retained growth allowed, on the heap and outside it (Buffers): well above noise, far below any page. */
const BOUND = 1.5 * MiB;

let gateway: GatewayProcess;
let url: string;

beforeAll(async () => {
  await buildGateway();
  gateway = startGatewayProcess({
    env: { LOG_LEVEL: 'warn' },
    nodeOptions: ['--expose-gc', '--import', './test/support/memory-probe.mjs'],
    ipc: true,
  });
  ({ url } = await gateway.started);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
});

function isMemoryUsage(value: unknown): value is NodeJS.MemoryUsage {
  if (typeof value !== 'object' || value === null) return false;
  return ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].every((key) => typeof Reflect.get(value, key) === 'number');
}

async function memory(): Promise<NodeJS.MemoryUsage> {
  const answered = once(gateway.child, 'message');
  gateway.child.send('memory');
  const [usage] = await answered;
  if (!isMemoryUsage(usage)) throw new Error(`memory probe answered ${JSON.stringify(usage)}`);
  return usage;
}

async function fetchPage(acceptEncoding: string): Promise<number> {
  const response = await fetch(url, { headers: { accept: 'text/html', 'accept-encoding': acceptEncoding } });
  expect(response.status).toBe(200);
  return (await response.arrayBuffer()).byteLength;
}

const query = () =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ connectionOperations(connectionId: "contosohr", first: 2) { nodes { operationId } } }' }),
  }).then((response) => response.json());

it('serving the GraphiQL page in every encoding retains no memory in the gateway', async () => {
  // Whatever the first requests set up for good (code compiled, pools) is in the baseline.
  for (let i = 0; i < 5; i++) await query();
  const before = await memory();

  for (let visit = 0; visit < 2; visit++) {
    for (const encoding of ['br', 'gzip', 'identity']) expect(await fetchPage(encoding)).toBeGreaterThan(5_000_000);
  }
  await query();
  const after = await memory();

  const grown = (key: keyof NodeJS.MemoryUsage) => after[key] - before[key];
  const figures = (['rss', 'heapUsed', 'external'] as const).map((key) => `${key} ${(before[key] / MiB).toFixed(1)} → ${(after[key] / MiB).toFixed(1)} MiB`).join(', ');
  console.info(`gateway memory around six GraphiQL pages: ${figures}`);
  expect(grown('heapUsed'), figures).toBeLessThan(BOUND);
  expect(grown('external'), figures).toBeLessThan(BOUND);
});
