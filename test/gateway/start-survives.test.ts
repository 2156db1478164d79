/**
 * `npm start` (the compiled dist/main.js) in front of an upstream whose `$metadata` cannot be read, one process
 * per way of failing. Each one logs exactly one warning about `$metadata`, is still up 2 s after its start line,
 * and answers a GraphQL query with the contract's code for what the upstream does to that query too (a 404 is
 * null data and no error). Two of them then serve data, without a restart, once the upstream answers properly:
 * one throttled during a deploy, one started before its upstream.
 *
 * Before the fix, every status but 200 ended the process a moment after its start line: the unread body of
 * the `$metadata` answer was destroyed without an 'error' listener (src/odata/metadata-upstream.ts).
 *
 * All the upstreams and processes start together (beforeAll) and the cases run concurrently, so the file takes
 * about as long as its slowest case.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { buildGateway, startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { startHostileUpstream, type HostileAnswer, type HostileScript, type HostileUpstream } from '../support/hostile-upstream.js';

/** Short, so that the cases that wait for the timeout (trickled bodies) keep the file quick. */
const UPSTREAM_TIMEOUT_MS = 1500;
/** For the cases that recover: their failures are quick anyway, and their healthy reads must not time out on a busy machine. */
const RECOVERING_TIMEOUT_MS = 10_000;
/** How long after its start line a process must still be up: the crash came a moment (one setImmediate) after it. */
const STAYS_UP_MS = 2000;
const QUERY = '{ connectionOperation(connectionId: "c", operationId: "o") { status } }';

/** A Graph-style error body. */
const graphError = (code: string) => ({ error: { code, message: 'no', innerError: { 'request-id': 'req-1' } } });

/** The upstream once it answers properly: operation `o` of connection `c`, completed. */
const healthy: HostileScript = (request) =>
  request.method === 'GET' && request.url.startsWith('/beta/connections/c/operations/o')
    ? { status: 200, body: { id: 'o', status: 'completed' } }
    : { status: 404, body: graphError('itemNotFound') };

interface StartCase {
  name: string;
  /** What the upstream does with every request (`$metadata` and the query's GET alike); `refused`: nothing listens. */
  answer: HostileAnswer | 'refused';
  /** The `problem` of the one `$metadata` warning. */
  problem: string | RegExp;
  /** The GraphQL answer to QUERY: `toMatchObject`, or `toEqual` for an answer without errors. */
  expected: { errors: unknown[] } | { exactly: unknown };
  /** Then the upstream answers properly, and the same process must serve the data. */
  recovers?: boolean;
  /** Its answers carry a `Location` of another upstream, which must never be asked anything. */
  redirects?: boolean;
}

/** The one error of the query, with these extensions. */
const failed = (extensions: Record<string, unknown>) => ({ errors: [{ path: ['connectionOperation'], extensions }] });

/** Where the 302 points: an upstream that would answer, and must never be asked. */
let elsewhere: HostileUpstream;

const cases: StartCase[] = [
  {
    name: '401',
    answer: { status: 401, body: graphError('InvalidAuthenticationToken') },
    problem: '$metadata answered HTTP 401',
    expected: failed({ code: 'UNAUTHENTICATED', upstreamStatus: 401, odataCode: 'InvalidAuthenticationToken', requestId: 'req-1' }),
  },
  {
    name: '403',
    answer: { status: 403, body: graphError('Authorization_RequestDenied') },
    problem: '$metadata answered HTTP 403',
    expected: failed({ code: 'FORBIDDEN', upstreamStatus: 403, odataCode: 'Authorization_RequestDenied' }),
  },
  {
    name: '404 (a query field is null, with no error)',
    answer: { status: 404, body: graphError('itemNotFound') },
    problem: '$metadata answered HTTP 404',
    expected: { exactly: { data: { connectionOperation: null } } },
  },
  {
    name: '429 with Retry-After',
    // Longer than RETRY_AFTER_MAX_S: the gateway answers at once rather than wait it out.
    answer: { status: 429, headers: { 'retry-after': '30' }, body: graphError('TooManyRequests') },
    problem: '$metadata answered HTTP 429',
    expected: failed({ code: 'THROTTLED', upstreamStatus: 429, retryAfter: 30 }),
  },
  {
    name: '500',
    answer: { status: 500, body: graphError('generalException') },
    problem: '$metadata answered HTTP 500',
    expected: failed({ code: 'UPSTREAM_ERROR', upstreamStatus: 500, odataCode: 'generalException' }),
  },
  {
    name: '503 with Retry-After, throttling during a deploy, then answering',
    answer: { status: 503, headers: { 'retry-after': '30' }, body: graphError('serviceNotAvailable') },
    problem: '$metadata answered HTTP 503',
    expected: failed({ code: 'THROTTLED', upstreamStatus: 503, retryAfter: 30 }),
    recovers: true,
  },
  {
    name: '302 to somewhere else (not followed)',
    answer: { status: 302, body: '' },
    problem: '$metadata answered HTTP 302',
    expected: failed({ code: 'UPSTREAM_ERROR', upstreamStatus: 302 }),
    redirects: true,
  },
  {
    name: 'a reset connection',
    answer: { status: 0, reset: true },
    problem: /^\$metadata could not be read \((ECONNRESET|UND_ERR_SOCKET)\)$/,
    expected: failed({ code: 'UPSTREAM_UNAVAILABLE' }),
  },
  {
    name: 'garbage (200 with neither XML nor JSON)',
    answer: { status: 200, headers: { 'content-type': 'application/xml' }, body: 'Service temporarily moved }{ <<<' },
    problem: /^\$metadata: not well-formed XML/,
    expected: failed({ code: 'UPSTREAM_ERROR', upstreamStatus: 200 }),
  },
  {
    name: 'a declared-huge body (1 TiB), then a trickle',
    answer: { status: 200, headers: { 'content-type': 'application/xml', 'content-length': String(2 ** 40) }, body: '<'.repeat(1000), trickleMs: 250 },
    problem: `$metadata is larger than ${64 * 1024 * 1024} bytes`,
    expected: failed({ code: 'UPSTREAM_TIMEOUT' }),
  },
  {
    name: 'a trickled body that never finishes in time',
    answer: { status: 200, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?>'.repeat(50), trickleMs: 300 },
    problem: `no complete answer to $metadata within ${UPSTREAM_TIMEOUT_MS} ms`,
    expected: failed({ code: 'UPSTREAM_TIMEOUT' }),
  },
  {
    name: 'a refused connection, then the upstream comes up',
    answer: 'refused',
    problem: '$metadata could not be read (ECONNREFUSED)',
    expected: failed({ code: 'UPSTREAM_UNAVAILABLE' }),
    recovers: true,
  },
];

interface Scenario {
  gateway: GatewayProcess;
  /** Turns the upstream healthy (starts it, for a refused one). */
  heal(): Promise<void>;
  close(): Promise<void>;
}

async function startScenario(startCase: StartCase): Promise<Scenario> {
  const env = { UPSTREAM_TIMEOUT_MS: String(startCase.recovers ? RECOVERING_TIMEOUT_MS : UPSTREAM_TIMEOUT_MS) };
  if (startCase.answer === 'refused') {
    const port = await freePort();
    let upstream: HostileUpstream | undefined;
    const gateway = startGatewayProcess({ env: { ...env, UPSTREAM_URL: `http://127.0.0.1:${port}/beta` } });
    return {
      gateway,
      heal: async () => void (upstream = await startHostileUpstream(healthy, port)),
      close: async () => {
        await gateway.stop();
        await upstream?.close();
      },
    };
  }
  const answer = startCase.redirects ? { ...startCase.answer, headers: { location: `${elsewhere.serviceRoot}/$metadata` } } : startCase.answer;
  let script: HostileScript = () => answer;
  const upstream = await startHostileUpstream((request) => script(request));
  const gateway = startGatewayProcess({ env: { ...env, UPSTREAM_URL: upstream.serviceRoot } });
  return {
    gateway,
    heal: async () => void (script = healthy),
    close: async () => {
      await gateway.stop();
      await upstream.close();
    },
  };
}

async function query(url: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
  return response.json();
}

const scenarios = new Map<string, Scenario>();

beforeAll(async () => {
  await buildGateway();
  elsewhere = await startHostileUpstream(healthy);
  await Promise.all(cases.map(async (startCase) => scenarios.set(startCase.name, await startScenario(startCase))));
}, 120_000);

afterAll(async () => {
  await Promise.all([...scenarios.values()].map((scenario) => scenario.close()));
  await elsewhere?.close();
});

// Twelve processes starting at once on a busy machine can take a while: the bound is generous.
describe.concurrent('npm start survives an upstream whose $metadata cannot be read', { timeout: 60_000 }, () => {
  for (const startCase of cases) {
    it(startCase.name, async ({ expect }) => {
      const { gateway, heal } = scenarios.get(startCase.name)!;
      const { url, at } = await gateway.started;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at + STAYS_UP_MS - Date.now())));
      expect(gateway.stderr()).toBe('');
      expect(gateway.running()).toBe(true);

      const warnings = gateway.logLines().filter((line) => String(line.msg).includes('$metadata'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40, errorShape: 'errorDetail' });
      if (typeof startCase.problem === 'string') expect(warnings[0]!.problem).toBe(startCase.problem);
      else expect(warnings[0]!.problem).toMatch(startCase.problem);

      const answer = await query(url);
      if ('exactly' in startCase.expected) expect(answer).toEqual(startCase.expected.exactly);
      else {
        expect(answer).toMatchObject({ data: { connectionOperation: null }, ...startCase.expected });
        expect((answer as { errors: unknown[] }).errors).toHaveLength(1);
      }

      if (startCase.redirects) expect(elsewhere.requests).toEqual([]);
      if (startCase.recovers) {
        await heal();
        expect(await query(url)).toEqual({ data: { connectionOperation: { status: 'COMPLETED' } } });
      }
      expect(gateway.running()).toBe(true);
      expect(gateway.stderr()).toBe('');
    });
  }
});
