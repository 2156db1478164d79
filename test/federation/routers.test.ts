/**
 * End to end through real federation routers, all over loopback HTTP: a client → router → our gateway (a
 * subgraph) → the embedded OData service, and router → the "deployments" subgraph. Each router gets the same
 * queries: deployments → operation (our `_entities`, batched upstream), connectionOperation(s) → deployedBy
 * (their `_entities`), and a deployment referring to an operation the upstream does not have.
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
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';
import { deploymentsSdl, operationOf, startDeployments, type DeploymentsSubgraph } from './deployments-subgraph.js';
import { postGraphQL, serve, type GraphQLResponse } from './http.js';

/** Operations op-0 … op-{SEEDED-1}, op-{n} in connection c{n%3}, so deployments d0 … d{SEEDED-1} all resolve. */
const SEEDED = 60;
const STATUSES = ['completed', 'inprogress', 'failed', 'unspecified'] as const;
const GRAPHQL_STATUS = { completed: 'COMPLETED', inprogress: 'IN_PROGRESS', failed: 'FAILED', unspecified: 'UNSPECIFIED' } as const;

function seededStatus(n: number): (typeof STATUSES)[number] {
  return STATUSES[n % STATUSES.length]!;
}

/** The operation of d{n} as our subgraph answers it: failed ones carry an error detail. */
function expectedOperation(n: number) {
  const status = seededStatus(n);
  return { ...operationOf(n), status: GRAPHQL_STATUS[status], error: status === 'failed' ? { errorCode: `E${n}` } : null };
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
}

/** @graphql-hive/gateway-runtime on node:http. It ignores SIGTERM on its own: close() stops server and runtime. */
async function startHiveRouter({ operationsUrl, deploymentsUrl }: Subgraphs): Promise<Router> {
  const composed = composeSupergraph([
    { name: 'operations', url: operationsUrl, sdl: subgraphSdl() },
    { name: 'deployments', url: deploymentsUrl, sdl: deploymentsSdl },
  ]);
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
async function startApolloRouter({ operationsUrl, deploymentsUrl }: Subgraphs): Promise<Router> {
  const composed = composeSupergraph(
    [
      { name: 'operations', url: operationsUrl, sdl: subgraphSdl() },
      { name: 'deployments', url: deploymentsUrl, sdl: deploymentsSdl },
    ],
    'apollo',
  );
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

let stack: Stack;
let deployments: DeploymentsSubgraph;

beforeAll(async () => {
  [stack, deployments] = await Promise.all([startStack(), startDeployments()]);
});

afterAll(async () => {
  await Promise.all([deployments?.close(), stack?.close()]);
});

describe.each([
  { router: '@graphql-hive/gateway-runtime', start: startHiveRouter },
  { router: '@apollo/gateway in graphql-yoga', start: startApolloRouter },
])('through $router', ({ start }) => {
  let router: Router;
  const query = (source: string): Promise<GraphQLResponse> => postGraphQL(router.url, source);

  beforeAll(async () => {
    router = await start({ operationsUrl: `${stack.url}/graphql`, deploymentsUrl: `${deployments.url}/graphql` });
  });
  afterAll(() => router?.close());

  beforeEach(() => {
    stack.upstream.reset();
    for (let n = 0; n < SEEDED; n++) {
      const status = seededStatus(n);
      const { connectionId, id } = operationOf(n);
      stack.upstream.store.putOperation(connectionId, { id, status, ...(status === 'failed' ? { error: { errorCode: `E${n}`, message: `failure ${n}` } } : {}) });
    }
    stack.upstream.clearRequests();
    deployments.references.length = 0;
  });

  it('deployments → operation: 50 representations cost 3 upstream $batch POSTs (ceil(50/20)), no GETs', async () => {
    const result = await query(`{ deployments(first: 50) { id name operation { id connectionId status error { errorCode } } } }`);
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
  });

  it('connectionOperation(s) → deployedBy: resolved by the deployments subgraph from our keys', async () => {
    const result = await query(`{
      connectionOperation(connectionId: "c0", id: "op-3") { id status deployedBy { name } }
      connectionOperations(connectionId: "c1", first: 5) { nodes { id deployedBy { id name } } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      connectionOperation: { id: 'op-3', status: 'UNSPECIFIED', deployedBy: { name: 'Deployment 3' } },
      connectionOperations: {
        nodes: [1, 4, 7, 10, 13].map((n) => ({ id: `op-${n}`, deployedBy: { id: `d${n}`, name: `Deployment ${n}` } })),
      },
    });
    // Their _entities got our full keys: six representations, each with its connection.
    expect(deployments.references).toEqual(
      expect.arrayContaining([{ connectionId: 'c0', id: 'op-3' }, ...[1, 4, 7, 10, 13].map((n) => ({ connectionId: 'c1', id: `op-${n}` }))]),
    );
    expect(deployments.references).toHaveLength(6);
    // One GET by key, one page GET: nothing else went upstream for the cross-subgraph part.
    expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r)}`).sort()).toEqual([
      'GET /connections/c0/operations/op-3',
      'GET /connections/c1/operations',
    ]);
  });

  it('a deployment referring to an operation the upstream does not know: data, no errors', async () => {
    const result = await query(`{
      known: deployment(id: "d2") { id operation { id connectionId status error { errorCode } } }
      unknown: deployment(id: "d999") { id name operation { id connectionId status error { errorCode } } }
    }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      known: { id: 'd2', operation: expectedOperation(2) },
      // Our _entities answers null for op-999 (upstream 404). A router cannot null the reference the
      // deployments subgraph returned: it keeps the key fields that subgraph gave and nulls the rest.
      unknown: { id: 'd999', name: 'Deployment 999', operation: { id: 'op-999', connectionId: 'c0', status: null, error: null } },
    });
    // Each key read once upstream (Hive merges both paths into one `_entities` call, so one $batch; Apollo's
    // plan sends one call per path, so two plain GETs); the 404 of op-999 is not an error.
    expect(entityReads(stack)).toEqual(['/connections/c0/operations/op-999', '/connections/c2/operations/op-2']);
  });
});
