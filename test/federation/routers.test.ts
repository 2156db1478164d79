/**
 * End to end through real federation routers, all over loopback HTTP: a client → router → our gateway (a
 * subgraph) → the embedded OData service, and router → the "deployments" and "incidents" subgraphs. Each
 * router gets the same queries: deployments → operation (our `_entities` with `{ connectionId operationId }`
 * representations, batched upstream), incidents → operation (our `_entities` with `{ id }` representations,
 * the global id), connectionOperation(s) → deployedBy (their `_entities`), and references to operations the
 * upstream does not have. A recording pass-through in front of our gateway shows which representations each
 * router actually sent.
 *
 * Routers: @graphql-hive/gateway-runtime on a supergraph composed by @theguild/federation-composition, and
 * @apollo/gateway (inside graphql-yoga through @envelop/apollo-federation) on one composed by
 * @apollo/composition, both made by scripts/supergraph.ts's composeSupergraph.
 */
import { ApolloGateway } from '@apollo/gateway';
import { useApolloFederation } from '@envelop/apollo-federation';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeSupergraph, subgraphSdl } from '../../scripts/supergraph.js';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';
import { deploymentsSdl, operationOf, startDeployments, type DeploymentsSubgraph } from './deployments-subgraph.js';
import { postGraphQL, serve, type GraphQLResponse, type Served } from './http.js';
import { incidentsSdl, startIncidents, type IncidentsSubgraph } from './incidents-subgraph.js';

/** Operations op-0 … op-{SEEDED-1}, op-{n} in connection c{n%3}, so deployments d0 … d{SEEDED-1} all resolve. */
const SEEDED = 60;
const STATUSES = ['completed', 'inprogress', 'failed', 'unspecified'] as const;
const GRAPHQL_STATUS = { completed: 'COMPLETED', inprogress: 'IN_PROGRESS', failed: 'FAILED', unspecified: 'UNSPECIFIED' } as const;

function seededStatus(n: number): (typeof STATUSES)[number] {
  return STATUSES[n % STATUSES.length]!;
}

/** The global id of the operation of d{n} (and of i{n}). */
function globalIdOf(n: number): string {
  return encodeGlobalId({ type: 'ConnectionOperation', ...operationOf(n) });
}

/** Incident i{MALFORMED} stored something that is not a global id of ours. */
const MALFORMED = 666;

/** What incident i{n} stored for its operation: the global id of op-{n}, as our gateway issued it. */
function incidentOperationId(n: number): string {
  return n === MALFORMED ? 'not-a-global-id' : globalIdOf(n);
}

/** The operation of d{n} (and of i{n}) as our subgraph answers it: failed ones carry an error detail. */
function expectedOperation(n: number) {
  const status = seededStatus(n);
  return { id: globalIdOf(n), ...operationOf(n), status: GRAPHQL_STATUS[status], error: status === 'failed' ? { errorCode: `E${n}` } : null };
}

/** Every entity read by key the upstream served, as plain GET or as `$batch` part, sorted by path. */
function entityReads(stack: Stack): string[] {
  return stack.upstream.requests
    .filter((r) => r.method === 'GET' && /\/operations\/[^/]+$/.test(r.path))
    .map((r) => pathBelowRoot(stack, r))
    .sort();
}

interface Router {
  url: string;
  close(): Promise<void>;
}

interface Subgraphs {
  operationsUrl: string;
  deploymentsUrl: string;
  incidentsUrl: string;
}

function subgraphSources({ operationsUrl, deploymentsUrl, incidentsUrl }: Subgraphs) {
  return [
    { name: 'operations', url: operationsUrl, sdl: subgraphSdl() },
    { name: 'deployments', url: deploymentsUrl, sdl: deploymentsSdl },
    { name: 'incidents', url: incidentsUrl, sdl: incidentsSdl },
  ];
}

/** @graphql-hive/gateway-runtime on node:http. It ignores SIGTERM on its own: close() stops server and runtime. */
async function startHiveRouter(subgraphs: Subgraphs): Promise<Router> {
  const composed = composeSupergraph(subgraphSources(subgraphs));
  if (!('supergraphSdl' in composed)) throw new Error(composed.errors.join('\n'));
  const runtime = createGatewayRuntime({ supergraph: composed.supergraphSdl, logging: false });
  const served = await serve(runtime);
  return {
    url: `${served.url}/graphql`,
    async close() {
      await served.close();
      await runtime.dispose();
    },
  };
}

/** @apollo/gateway, executed by graphql-yoga through useApolloFederation, on node:http. */
async function startApolloRouter(subgraphs: Subgraphs): Promise<Router> {
  const composed = composeSupergraph(subgraphSources(subgraphs), 'apollo');
  if (!('supergraphSdl' in composed)) throw new Error(composed.errors.join('\n'));
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  // @apollo/gateway 2.x otherwise starts an OpenTelemetry exporter that probes cloud metadata endpoints
  // (the GCP one at 169.254.169.254) and reports usage to Apollo; the check happens in the constructor.
  const telemetry = process.env.APOLLO_TELEMETRY_DISABLED;
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  let gateway: ApolloGateway;
  try {
    gateway = new ApolloGateway({ supergraphSdl: composed.supergraphSdl, logger: quiet });
  } finally {
    if (telemetry === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = telemetry;
  }
  await gateway.load();
  const yoga = createYoga({ plugins: [useApolloFederation({ gateway, logger: quiet })], logging: false, landingPage: false, graphiql: false });
  const served = await serve(yoga);
  return {
    url: `${served.url}/graphql`,
    async close() {
      await served.close();
      await gateway.stop();
    },
  };
}

/** The `_entities` representations a router sent to our gateway (through the recording pass-through). */
type Representation = Record<string, unknown>;

interface Recorded {
  representations: Representation[];
  /** The errors our gateway answered `_entities` requests with (before a router rewrites or masks them). */
  entityErrors: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/**
 * A pass-through in front of our gateway that records the representations of every `_entities` request it
 * forwards (Hive merges several `_entities` calls into one request, as `_v0_representations`, …), and the
 * errors our gateway answered them with, so tests see which key a router used and what our subgraph said.
 * Everything goes through unchanged.
 */
async function startRecorder(target: string, recorded: Recorded): Promise<Served> {
  return serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let isEntities = false;
      try {
        const parsed = JSON.parse(body) as { query?: string; variables?: Record<string, unknown> };
        isEntities = parsed.query?.includes('_entities') ?? false;
        for (const [name, value] of Object.entries(parsed.variables ?? {})) {
          if (isEntities && /representations$/.test(name) && Array.isArray(value)) recorded.representations.push(...(value as Representation[]));
        }
      } catch {
        // not JSON: nothing to record
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'accept']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(target, { method: req.method ?? 'POST', headers, ...(req.method === 'GET' ? {} : { body }) })
        .then(async (response) => {
          const text = await response.text();
          if (isEntities) {
            try {
              recorded.entityErrors.push(...((JSON.parse(text) as { errors?: Recorded['entityErrors'] }).errors ?? []));
            } catch {
              // not JSON: nothing to record
            }
          }
          res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
          res.end(text);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
}

let stack: Stack;
let deployments: DeploymentsSubgraph;
let incidents: IncidentsSubgraph;
let recorder: Served;
const recorded: Recorded = { representations: [], entityErrors: [] };
const representations = recorded.representations;

beforeAll(async () => {
  [stack, deployments, incidents] = await Promise.all([startStack(), startDeployments(), startIncidents(incidentOperationId)]);
  recorder = await startRecorder(`${stack.url}/graphql`, recorded);
});

afterAll(async () => {
  await recorder?.close();
  await Promise.all([deployments?.close(), incidents?.close(), stack?.close()]);
});

describe.each([
  { router: '@graphql-hive/gateway-runtime', start: startHiveRouter },
  { router: '@apollo/gateway in graphql-yoga', start: startApolloRouter },
])('through $router', ({ start }) => {
  let router: Router;
  const query = (source: string): Promise<GraphQLResponse> => postGraphQL(router.url, source);

  beforeAll(async () => {
    router = await start({ operationsUrl: `${recorder.url}/graphql`, deploymentsUrl: `${deployments.url}/graphql`, incidentsUrl: `${incidents.url}/graphql` });
  });
  afterAll(() => router?.close());

  beforeEach(() => {
    stack.upstream.reset();
    for (let n = 0; n < SEEDED; n++) {
      const status = seededStatus(n);
      const { connectionId, operationId } = operationOf(n);
      stack.upstream.store.putOperation(connectionId, { id: operationId, status, ...(status === 'failed' ? { error: { errorCode: `E${n}`, message: `failure ${n}` } } : {}) });
    }
    stack.upstream.clearRequests();
    deployments.references.length = 0;
    representations.length = 0;
    recorded.entityErrors.length = 0;
  });

  it('deployments → operation by `connectionId operationId`: 50 representations cost 3 upstream $batch POSTs (ceil(50/20)), no GETs', async () => {
    const result = await query(`{ deployments(first: 50) { id name operation { id operationId connectionId status error { errorCode } } } }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      deployments: Array.from({ length: 50 }, (_, n) => ({ id: `d${n}`, name: `Deployment ${n}`, operation: expectedOperation(n) })),
    });

    const requests = stack.httpRequests();
    expect(requests.map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['POST /$batch', 'POST /$batch', 'POST /$batch']);
    const partsPerBatch = requests.map((r) => (r.body as { requests: unknown[] }).requests.length).sort((a, b) => a - b);
    expect(partsPerBatch).toEqual([10, 20, 20]);
    const parts = stack.batchParts();
    expect(parts).toHaveLength(50);
    expect(parts.every((p) => p.method === 'GET')).toBe(true);
    expect(new Set(parts.map((p) => pathBelowRoot(stack, p)))).toEqual(
      new Set(Array.from({ length: 50 }, (_, n) => `/connections/${operationOf(n).connectionId}/operations/op-${n}`)),
    );
    // The router used the key the deployments subgraph has: the OData keys, never a global id.
    expect(representations).toHaveLength(50);
    expect(new Set(representations.map((r) => Object.keys(r).sort().join(' ')))).toEqual(new Set(['__typename connectionId operationId']));
  });

  it('incidents → operation by the global `id`: 50 representations cost 3 upstream $batch POSTs, no GETs', async () => {
    const result = await query(`{ incidents(first: 50) { id title operation { id operationId connectionId status error { errorCode } } } }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      incidents: Array.from({ length: 50 }, (_, n) => ({ id: `i${n}`, title: `Incident ${n}`, operation: expectedOperation(n) })),
    });

    const requests = stack.httpRequests();
    expect(requests.map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['POST /$batch', 'POST /$batch', 'POST /$batch']);
    expect(requests.map((r) => (r.body as { requests: unknown[] }).requests.length).sort((a, b) => a - b)).toEqual([10, 20, 20]);
    const parts = stack.batchParts();
    expect(parts.every((p) => p.method === 'GET')).toBe(true);
    expect(parts.map((p) => pathBelowRoot(stack, p)).sort()).toEqual(
      Array.from({ length: 50 }, (_, n) => `/connections/${operationOf(n).connectionId}/operations/op-${n}`).sort(),
    );
    // The router used the only key the incidents subgraph has: the global id, exactly as stored.
    expect(representations).toHaveLength(50);
    expect(new Set(representations.map((r) => Object.keys(r).sort().join(' ')))).toEqual(new Set(['__typename id']));
    expect(new Set(representations.map((r) => r.id))).toEqual(new Set(Array.from({ length: 50 }, (_, n) => globalIdOf(n))));
  });

  it('both keys in one query: each path sends its own kind of representation, one upstream read per operation', async () => {
    const result = await query(`{
      deployments(first: 3) { id operation { id status } }
      incidents(first: 3) { id operation { operationId connectionId status } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      deployments: [0, 1, 2].map((n) => ({ id: `d${n}`, operation: { id: globalIdOf(n), status: expectedOperation(n).status } })),
      incidents: [0, 1, 2].map((n) => ({ id: `i${n}`, operation: { ...operationOf(n), status: expectedOperation(n).status } })),
    });
    expect(new Set(representations.map((r) => Object.keys(r).sort().join(' ')))).toEqual(new Set(['__typename connectionId operationId', '__typename id']));
    // Hive merges both paths into one `_entities` call (one read per operation); Apollo's plan sends one
    // call per path, each read once.
    const reads = entityReads(stack);
    expect(new Set(reads)).toEqual(new Set([0, 1, 2].map((n) => `/connections/${operationOf(n).connectionId}/operations/op-${n}`)));
    expect(reads.length === 3 || reads.length === 6).toBe(true);
  });

  it('connectionOperation(s) → deployedBy: resolved by the deployments subgraph from our keys', async () => {
    const result = await query(`{
      connectionOperation(connectionId: "c0", operationId: "op-3") { id operationId status deployedBy { name } }
      connectionOperations(connectionId: "c1", first: 5) { nodes { id operationId deployedBy { id name } } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      connectionOperation: { id: globalIdOf(3), operationId: 'op-3', status: 'UNSPECIFIED', deployedBy: { name: 'Deployment 3' } },
      connectionOperations: {
        nodes: [1, 4, 7, 10, 13].map((n) => ({ id: globalIdOf(n), operationId: `op-${n}`, deployedBy: { id: `d${n}`, name: `Deployment ${n}` } })),
      },
    });
    // Their _entities got our full keys: six representations, each with its connection.
    expect(deployments.references).toEqual(
      expect.arrayContaining([{ connectionId: 'c0', operationId: 'op-3' }, ...[1, 4, 7, 10, 13].map((n) => ({ connectionId: 'c1', operationId: `op-${n}` }))]),
    );
    expect(deployments.references).toHaveLength(6);
    // One GET by key, one page GET: nothing else went upstream for the cross-subgraph part, and nothing
    // came back to our `_entities`.
    expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r)}`).sort()).toEqual([
      'GET /connections/c0/operations/op-3',
      'GET /connections/c1/operations',
    ]);
    expect(representations).toEqual([]);
  });

  it('a deployment referring to an operation the upstream does not know: data, no errors', async () => {
    const result = await query(`{
      known: deployment(id: "d2") { id operation { operationId connectionId status error { errorCode } } }
      unknown: deployment(id: "d999") { id name operation { operationId connectionId status error { errorCode } } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(recorded.entityErrors).toEqual([]);
    const { id: _known, ...known } = expectedOperation(2);
    expect(result.body.data).toEqual({
      known: { id: 'd2', operation: known },
      // Our _entities answers null for op-999 (upstream 404). A router cannot null the reference the
      // deployments subgraph returned: it keeps the key fields that subgraph gave and nulls the rest.
      unknown: { id: 'd999', name: 'Deployment 999', operation: { operationId: 'op-999', connectionId: 'c0', status: null, error: null } },
    });
    // Each key read once upstream (Hive merges both paths into one `_entities` call, so one $batch; Apollo's
    // plan sends one call per path, so two plain GETs); the 404 of op-999 is not an error.
    expect(entityReads(stack)).toEqual(['/connections/c0/operations/op-999', '/connections/c2/operations/op-2']);
  });
  it('an incident referring to an operation the upstream does not know: data, no errors', async () => {
    const result = await query(`{
      known: incident(id: "i2") { id operation { id operationId status } }
      unknown: incident(id: "i999") { id title operation { id status error { errorCode } } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      known: { id: 'i2', operation: { id: globalIdOf(2), operationId: 'op-2', status: expectedOperation(2).status } },
      // As with deployments: the router keeps the key the incidents subgraph gave and nulls the rest.
      unknown: { id: 'i999', title: 'Incident 999', operation: { id: globalIdOf(999), status: null, error: null } },
    });
    expect(new Set(representations.map((r) => r.id))).toEqual(new Set([globalIdOf(2), globalIdOf(999)]));
    expect(entityReads(stack)).toEqual(['/connections/c0/operations/op-999', '/connections/c2/operations/op-2']);
  });

  it('an incident holding a malformed global id: BAD_USER_INPUT from our subgraph for that entity only, never read upstream', async () => {
    const result = await query(`{
      good: incident(id: "i5") { id operation { operationId status } }
      bad: incident(id: "i${MALFORMED}") { id title operation { operationId status } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body.data?.good).toEqual({ id: 'i5', operation: { operationId: 'op-5', status: expectedOperation(5).status } });
    expect(result.body.data?.bad).toMatchObject({ id: `i${MALFORMED}`, title: `Incident ${MALFORMED}` });
    // Our subgraph failed that one entity with BAD_USER_INPUT. (What a router makes of a subgraph's error
    // is its own business: Hive passes the code on, Apollo's gateway in yoga masks it.)
    expect(recorded.entityErrors.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'representations' }]);
    expect(result.body.errors?.length).toBeGreaterThan(0);
    expect(result.body.errors!.every((e) => e.path?.[0] === 'bad')).toBe(true);
    expect(representations.map((r) => r.id).sort()).toEqual([globalIdOf(5), 'not-a-global-id'].sort());
    expect(entityReads(stack)).toEqual(['/connections/c2/operations/op-5']);
  });
});
