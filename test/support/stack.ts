/**
 * Test stack: the embedded OData service and the gateway, each on an ephemeral loopback port, talking
 * real HTTP. Tests drive the service's store, fault controls and request log directly.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { gatewayTracing } from '../../src/tracing/gateway-tracing.js';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../../src/config.js';
import { testConfig } from './config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import type { ErrorShape } from '../../src/odata/error-shape.js';
import { serveGateway } from '../../src/server.js';
import { expect } from 'vitest';
import { createODataService, type ODataService, type ODataServiceOptions, type RecordedRequest } from '@odata-gateway/odata-service';

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  headers: Headers;
}

export interface Stack {
  upstream: ODataService;
  gateway: Gateway;
  /** `http://127.0.0.1:port` of the gateway. */
  url: string;
  /** The upstream's service root. */
  serviceRoot: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult<T>>;
  /** Requests the upstream received (top-level HTTP only, no $batch parts). */
  httpRequests(): RecordedRequest[];
  /** $batch parts the upstream executed. */
  batchParts(): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * `errorShape` and `operationType` are the gateway's (see GatewayOptions); the service's `apiVersion` does
 * not imply them, so that a test can also pair a gateway with an upstream of the other shape.
 */
export async function startStack(
  options: {
    config?: Partial<GatewayConfig>;
    service?: ODataServiceOptions;
    /** A service already listening, shared with another stack (replicas of one gateway); not closed by this stack. */
    upstream?: ODataService;
    errorShape?: ErrorShape;
    operationType?: string;
    log?: Logger;
    tracerProvider?: TracerProvider;
  } = {},
): Promise<Stack> {
  const shared = options.upstream;
  const upstream = shared ?? createODataService(options.service);
  const serviceRoot = shared?.url ?? (await upstream.listen(0, '127.0.0.1'));
  const config = testConfig({ port: 0, logLevel: 'silent', retryBaseMs: 5, ...options.config });
  const gateway = createGateway({
    config,
    serviceRoot,
    log: options.log ?? createLogger(config.logLevel),
    ...(options.errorShape !== undefined ? { errorShape: options.errorShape } : {}),
    ...(options.operationType !== undefined ? { operationType: options.operationType } : {}),
    ...(options.tracerProvider !== undefined ? { tracing: gatewayTracing(options.tracerProvider) } : {}),
  });
  const running = await serveGateway(gateway, 0, '127.0.0.1');
  return {
    upstream,
    gateway,
    url: running.url,
    serviceRoot,
    async gql(query, variables, headers = {}) {
      const response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResult, 'status' | 'headers'>;
      return { status: response.status, headers: response.headers, ...body } as GraphQLResult<any>;
    },
    httpRequests: () => upstream.requests.filter((r) => r.batchPart === undefined),
    batchParts: () => upstream.requests.filter((r) => r.batchPart !== undefined),
    async close() {
      await running.close(1000);
      if (shared === undefined) await upstream.close();
    },
  };
}

/** The path of a recorded request below the service root's path (e.g. `/connections/c/operations`). */
export function pathBelowRoot(stack: Stack, request: RecordedRequest): string {
  const rootPath = new URL(stack.serviceRoot).pathname;
  return request.path.startsWith(rootPath) ? request.path.slice(rootPath.length) : request.path;
}

/**
 * What a Graph-faithful client may send when it pages, checked on the upstream's request log (`requests`,
 * in arrival order, `$batch` parts included): no `$skip` anywhere, and every read that continues a list (it
 * carries a `$skiptoken`) is an `@odata.nextLink` the upstream answered an earlier read with, sent exactly as
 * issued. Returns how many reads started a list and how many followed a link.
 */
export function expectOnlyIssuedLinks(requests: readonly RecordedRequest[]): { started: number; followed: number } {
  const issued = new Set<string>();
  let started = 0;
  let followed = 0;
  for (const request of requests) {
    expect(request.query.$skip, `${request.method} ${request.url}`).toBeUndefined();
    if (request.method !== 'GET') continue;
    if (request.query.$skiptoken !== undefined) {
      expect(issued, `${request.url} was not issued`).toContain(request.url);
      followed++;
    } else if (request.path.endsWith('/operations') || request.path.endsWith('/connections')) started++;
    if (request.nextLink !== undefined) issued.add(request.nextLink.slice(new URL(request.nextLink).origin.length));
  }
  return { started, followed };
}
