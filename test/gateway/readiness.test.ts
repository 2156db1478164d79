/**
 * `GET /ready` over an upstream that answers its probe (`GET {root}/`) badly. The probe does not need the
 * answer's body, and lets go of it with undici's `body.dump()` (src/odata/client.ts probe): a body destroyed
 * without an 'error' listener once it had fully arrived was an uncaught exception that ended `npm start`
 * (the $metadata check had exactly that bug). Whatever the upstream does, /ready answers within the probe's
 * bound, says whether the upstream is reachable, and leaves no exception behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayOver, startHostileUpstream, type GatewayUnderTest, type HostileAnswer, type HostileUpstream } from '../support/hostile-upstream.js';

/** The probe's bound (UPSTREAM_TIMEOUT_MS, at most 5 s): short, for the bodies that never end. */
const UPSTREAM_TIMEOUT_MS = 500;

const graphError = (code: string) => ({ error: { code, message: 'no', innerError: { 'request-id': 'req-1' } } });

const cases: Array<{ name: string; answer: HostileAnswer; ready: boolean }> = [
  { name: '200 with a service document', answer: { status: 200, body: { value: [{ name: 'connections', url: 'connections' }] } }, ready: true },
  // Graph answers a request without a token with 401: reachable.
  { name: '401 with a Graph error body', answer: { status: 401, body: graphError('InvalidAuthenticationToken') }, ready: true },
  { name: '404 with a body', answer: { status: 404, body: graphError('itemNotFound') }, ready: true },
  { name: '503 with Retry-After and a body', answer: { status: 503, headers: { 'retry-after': '30' }, body: graphError('serviceNotAvailable') }, ready: false },
  { name: 'a body larger than dump reads (declared 1 TiB)', answer: { status: 200, headers: { 'content-length': String(2 ** 40) }, body: 'x'.repeat(1000), trickleMs: 50 }, ready: true },
  { name: 'a body that never ends in time', answer: { status: 401, body: 'x'.repeat(1000), trickleMs: 50 }, ready: true },
  { name: 'a reset connection', answer: { status: 0, reset: true }, ready: false },
  { name: 'no answer at all', answer: { status: 0, hold: true }, ready: false },
];

describe('GET /ready over an upstream that answers its probe badly', () => {
  let answer: HostileAnswer = cases[0]!.answer;
  let upstream: HostileUpstream;
  let gateway: GatewayUnderTest;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  beforeAll(async () => {
    process.on('uncaughtException', record);
    upstream = await startHostileUpstream(() => answer);
    gateway = await startGatewayOver(upstream.serviceRoot, { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    process.off('uncaughtException', record);
  });

  it.each(cases)('$name: ready $ready, within the bound, and nothing left uncaught', async (probeCase) => {
    answer = probeCase.answer;
    const started = Date.now();
    const response = await fetch(`${gateway.url}/ready`);
    expect(Date.now() - started).toBeLessThan(UPSTREAM_TIMEOUT_MS + 1000);
    expect([response.status, await response.json()]).toEqual(probeCase.ready ? [200, { status: 'ready' }] : [503, { status: 'upstream unreachable' }]);
    // The probe asked the service root itself.
    expect(upstream.requests.at(-1)).toMatchObject({ method: 'GET', url: '/beta/' });
    // (A body destroyed with no listener fails on a later turn of the event loop.)
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uncaught).toEqual([]);
  });
});
