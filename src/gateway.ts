/**
 * createGateway(config) → a graphql-yoga instance over an OData upstream, without listening, so tests can
 * call `yoga.fetch` or mount it on any server. Builds everything shared across requests once: the schema,
 * one upstream client (one keep-alive pool per origin) and the API over it.
 */
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { addResolversToSchema } from '@graphql-tools/schema';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createYoga, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import { isUnionType, parse, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { IncomingMessage } from 'node:http';
import { AdmissionGate, leaveAdmission } from './admission.js';
import type { GatewayConfig } from './config.js';
import { createContext, type GatewayContext, type SharedState } from './context.js';
import { badUserInput } from './errors.js';
import { DirectExecution } from './http/direct-execution.js';
import { fetchCaller, type CallerRequest } from './http/caller.js';
import { createErrorMask } from './plugins/error-mask.js';
import { useCsrfPreventionForWrites } from './plugins/use-csrf.js';
import { useGraphiQLPage } from './plugins/use-graphiql.js';
import { useDocumentLimits } from './plugins/use-limits.js';
import { useIntrospection } from './plugins/use-introspection.js';
import { defaultNestingLimits, useNestingLimits } from './plugins/use-nesting-limits.js';
import { createBudgetCheck, useRequestBudget } from './plugins/use-request-budget.js';
import { useRequestErrorCodes } from './plugins/use-request-error-codes.js';
import { createBoundedQueryStore, defaultPersistedQueryLimits, usePersistedQueries } from './plugins/use-persisted-queries.js';
import { useQueryCacheHeaders } from './plugins/use-query-cache-headers.js';
import { useRequestGuards } from './plugins/use-request-guards.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useRequestRecords } from './plugins/use-request-records.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import type { GatewayTracing } from './tracing/gateway-tracing.js';
import { requestLog } from './telemetry/request-log.js';
import type { RequestReporter } from './telemetry/request-record.js';
import { RequestTelemetry } from './telemetry/request-telemetry.js';
import { combineObservers } from './odata/observer.js';
import { UpstreamClient } from './odata/client.js';
import { BatchedGets } from './odata/batched-gets.js';
import { ConnectionLifecycleApi } from './odata/connection-lifecycle.js';
import { ExternalConnectionsApi } from './odata/connections.js';
import type { ErrorShape } from './odata/error-shape.js';
import { ConnectionOperationsApi } from './odata/operations.js';
import type { UpstreamSlots } from './odata/slots.js';
import { CursorCodec } from './operations/cursor.js';
import { enumValues, objectResolvers } from './resolvers/index.js';
import { SubscriptionHub } from './subscriptions/hub.js';
import { CORS_OPTIONS } from './http/request-handler.js';

export const typeDefs = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

/**
 * The executable schema: schema.graphql as a Federation v2 subgraph (adds `_service` and `_entities`).
 * It is still a plain GraphQL schema for GraphiQL and frontends.
 */
export function buildSchema(): GraphQLSchema {
  // The generated Resolvers type and @apollo/subgraph's resolver map describe the same object.
  const subgraph = buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: objectResolvers as GraphQLResolverMap<unknown> });
  // Enum internal values go through graphql-tools, which also rewrites default values (`direction = ASC`)
  // to the internal value; @apollo/subgraph leaves those as the GraphQL name.
  const schema = addResolversToSchema({
    schema: subgraph,
    resolvers: enumValues,
  });
  guardEntityRepresentations(schema);
  return schema;
}

/** Characters of a refused representation's `__typename` echoed in the error. */
const TYPENAME_SHOWN = 100;

/**
 * `_entities` refuses a representation that is not an object naming one of this subgraph's entity types with
 * BAD_USER_INPUT, before @apollo/subgraph sees it: it throws a plain Error for an unknown `__typename` (and a
 * TypeError for a non-object), which masking answered as INTERNAL_SERVER_ERROR and logged as a bug, though
 * it is the caller's input. The field fails as a whole, as it did.
 */
function guardEntityRepresentations(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const union = schema.getType('_Entity');
  if (field === undefined || !isUnionType(union)) return;
  const entityTypes = new Set(union.getTypes().map((type) => type.name));
  const resolve = field.resolve!;
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    for (const representation of Array.isArray(args.representations) ? args.representations : []) {
      const typename: unknown = representation !== null && typeof representation === 'object' ? (representation as { __typename?: unknown }).__typename : undefined;
      if (typeof typename === 'string' && entityTypes.has(typename)) continue;
      const shown = typeof typename === 'string' ? JSON.stringify(typename.slice(0, TYPENAME_SHOWN)) : 'none';
      throw badUserInput(
        `Each representation must be an object whose __typename is one of this subgraph's entity types (${[...entityTypes].join(', ')}); got __typename ${shown}.`,
        'representations',
      );
    }
    return resolve(source, args, context, info);
  };
}

const noop = (): void => undefined;

/** What yoga's parse hooks read of a request when the direct path prepares a document (its method). */
const POST = { method: 'POST' };

/** Characters of an unknown enum member shown in the log, and distinct members logged per process. */
const UNKNOWN_MEMBER_SHOWN = 100;
const UNKNOWN_MEMBERS_REMEMBERED = 100;

/**
 * Hears of each upstream member of the evolvable enum `enumName` the gateway does not know, and logs it once.
 * It is upstream text: only a bounded prefix is remembered or logged, and only so many distinct members.
 */
function unknownMemberLogger(log: Logger, enumName: string): (member: string) => void {
  const logged = new Set<string>();
  return (member) => {
    const shown = member.length > UNKNOWN_MEMBER_SHOWN ? `${member.slice(0, UNKNOWN_MEMBER_SHOWN)}…` : member;
    if (logged.has(shown) || logged.size >= UNKNOWN_MEMBERS_REMEMBERED) return;
    logged.add(shown);
    log.warn({ member: shown, length: member.length }, `upstream sent an unknown ${enumName} member; serving UNKNOWN_FUTURE_VALUE`);
  };
}

/**
 * Yoga's logger on pino. Yoga logs at debug level several times per request: a disabled level is a plain
 * no-op, so the hot path allocates nothing for it.
 */
function yogaLogger(log: Logger): YogaLogger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') =>
    log.isLevelEnabled(level) ? (...args: unknown[]) => log[level]({ args }, 'yoga') : noop;
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * What the server gives yoga besides the Fetch Request: node:http's request (yoga as a node request
 * listener), or the WebSocket upgrade request (websocket.ts). Absent with `yoga.fetch`.
 */
export interface ServerContext {
  req?: IncomingMessage;
}

export type GatewayYoga = YogaServerInstance<ServerContext, GatewayContext>;

export interface Gateway {
  yoga: GatewayYoga;
  config: GatewayConfig;
  /** The process logger. */
  log: Logger;
  /** Bounds the GraphQL requests in progress (MAX_CONCURRENT_REQUESTS); the HTTP server applies it. */
  admission: AdmissionGate;
  /** The Prometheus metrics (METRICS=on), served by the server at METRICS_PATH; undefined when off. */
  metrics: GatewayMetrics | undefined;
  /** The record of each GraphQL request, for the metrics, the request log and the spans (the server starts and ends them). */
  telemetry: RequestTelemetry;
  /** The upstream client's connection slots (for tests and metrics). */
  upstreamSlots: UpstreamSlots;
  /** Every open subscription and its pollers; the server closes it first at shutdown. */
  subscriptions: SubscriptionHub;
  /** Executes the plain POSTs the server takes off yoga (src/http/direct-execution.ts). */
  direct: DirectExecution;
  /** The GraphQL context of a request, noted on its record (the direct path's; yoga's context factory uses it too). */
  contextFor(caller: CallerRequest, req: IncomingMessage | undefined): GatewayContext;
  /** Ends the subscriptions and closes the upstream pool (after the HTTP server stopped taking requests). */
  close(): Promise<void>;
  /** Drops upstream sockets at once (when the shutdown grace period is over). */
  destroy(): Promise<void>;
}

export interface GatewayOptions {
  config: GatewayConfig;
  /** The OData service root (the configured UPSTREAM_URL, or the embedded service's). */
  serviceRoot: string;
  log: Logger;
  /**
   * The error shape the upstream uses for `connectionOperation.error`, which writes send (reads accept
   * both). Default `'errorDetail'` (beta); the CLI chooses it from the upstream's `$metadata` (or ERROR_SHAPE).
   */
  errorShape?: ErrorShape;
  /** Qualified connectionOperation type name for `@odata.type` in writes; the CLI reads it from `$metadata`. */
  operationType?: string;
  /**
   * Traces with this (tracing/gateway-tracing.ts, made from the OTLP provider main.ts makes when
   * `config.tracing` is `otlp`, or from a test's in-memory one). The gateway shuts it down (flushing its spans)
   * at close(). Unset: no tracing, and no tracing module loaded.
   */
  tracing?: GatewayTracing;
}

export function createGateway({ config, serviceRoot, log, errorShape, operationType, tracing }: GatewayOptions): Gateway {
  const metrics = config.metrics === 'on' ? new GatewayMetrics({ batchMax: config.batchMax }) : undefined;
  // Off: no tracer, no observer, no plugin (nothing on the hot path).
  const observer = combineObservers([...(metrics !== undefined ? [metrics] : []), ...(tracing !== undefined ? [tracing.observer] : [])]);
  const reporters: RequestReporter[] = [];
  if (metrics !== undefined) reporters.push(metrics);
  const logReporter = requestLog(log);
  if (logReporter !== undefined) reporters.push(logReporter);
  if (tracing !== undefined) reporters.push(tracing.reporter);
  const telemetry = new RequestTelemetry(reporters);
  const client = new UpstreamClient({
    observer,
    serviceRoot,
    timeoutMs: config.upstreamTimeoutMs,
    connections: config.upstreamConnections,
    retryMax: config.retryMax,
    retryAfterMaxSeconds: config.retryAfterMaxSeconds,
    retryBaseMs: config.retryBaseMs,
    queueMax: config.upstreamQueueMax,
    onWriteOutcome(event) {
      // The client could not hear it (it left, or the answer was lost): the log is the only record.
      log.warn(event, event.outcome === 'unknown' ? 'upstream write sent without an answer: outcomeUnknown' : 'upstream write answered after its client left');
    },
  });
  // One reader of GETs by key for operations and connections: one `$batch` learning, one retry policy.
  const gets = new BatchedGets(client, config);
  const api = new ConnectionOperationsApi(client, gets, {
    ...config,
    ...(errorShape !== undefined ? { errorShape } : {}),
    ...(operationType !== undefined ? { operationType } : {}),
    onWrongEntity(event) {
      log.warn(event, 'upstream answered with another entity than the one asked for; served as UPSTREAM_ERROR');
    },
  });
  if (config.cursorSecret === undefined) {
    log.info('CURSOR_SECRET is unset: paging cursors are sealed with a random key of this process (they stop opening after a restart and on other replicas)');
  }

  const connectionsApi = new ExternalConnectionsApi(client, gets, {
    connectionsPath: config.connectionsPath,
    onWrongEntity(event) {
      log.warn(event, 'upstream answered with another entity than the one asked for; served as UPSTREAM_ERROR');
    },
  });
  const cursors = new CursorCodec(config.cursorSecret);

  const subscriptions = new SubscriptionHub({ api, limits: config, budget: config, log, tracePoll: tracing?.tracePoll });
  const shared: SharedState = {
    operations: { api, cursors, defaultPageSize: config.defaultPageSize },
    connections: { api: connectionsApi, lifecycle: new ConnectionLifecycleApi(client, { connectionsPath: config.connectionsPath }), cursors, defaultPageSize: config.defaultPageSize },
    onUnknownState: unknownMemberLogger(log, 'connectionState'),
    requestDeadlineMs: config.requestDeadlineMs,
    budget: config,
    log,
    subscriptions,
    onUnknownStatus: unknownMemberLogger(log, 'connectionOperationStatus'),
    onUnknownPropertyType: unknownMemberLogger(log, 'propertyType'),
    onUnknownLabel: unknownMemberLogger(log, 'label'),
  };

  const contextFor = (caller: CallerRequest, req: IncomingMessage | undefined): GatewayContext => {
    const context = createContext(shared, caller, req && { remoteAddress: req.socket.remoteAddress, becameLongLived: () => leaveAdmission(req) });
    const record = telemetry.of(req);
    if (record !== undefined) telemetry.contextCreated(record, context);
    return context;
  };
  const mask = createErrorMask(log, { hideSuggestions: config.introspection === 'off' });
  const persistedQueries = createBoundedQueryStore(defaultPersistedQueryLimits);
  const schema = buildSchema();

  const yoga = createYoga<ServerContext, GatewayContext>({
    schema,
    // useRequestGuards already refused any body without a Content-Length or above MAX_BODY_BYTES, and
    // node's HTTP parser never reads past Content-Length; yoga's own streaming limit would only add cost.
    maxRequestBodySize: false,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    plugins: [
      // First: it notes the parameters before any other onParams hook can refuse them.
      ...(telemetry.enabled ? [useRequestRecords(telemetry)] : []),
      useRequestGuards(config.maxBodyBytes),
      usePersistedQueries(persistedQueries),
      // After the persisted queries: a query named by its hash is checked as stored.
      useNestingLimits(),
      useRequestErrorCodes(),
      useDocumentLimits(config),
      useIntrospection(config.introspection),
      useRequestBudget(config),
      useCsrfPreventionForWrites(),
      useReadiness(() => client.probe(Math.min(config.upstreamTimeoutMs, 5000))),
      useQueryCacheHeaders(),
      useGraphiQLPage(),
    ],
    // The direct path adds the same CORS headers with the same options (yoga's default: any origin).
    cors: CORS_OPTIONS,
    context: ({ request, req }) => contextFor(fetchCaller(request), req),
    // useGraphiQLPage serves GraphiQL from the page built by `npm run build`.
    graphiql: false,
    maskedErrors: {
      isDev: false,
      maskError: mask,
    },
    logging: yogaLogger(log),
  });

  return {
    yoga,
    config,
    log,
    // Requests whose upstream calls would wait in line more than a quarter of their deadline are better
    // refused now (cheaply, with Retry-After) than admitted to time out later.
    metrics,
    telemetry,
    admission: new AdmissionGate(config.maxConcurrentRequests, () => client.slots.oldestWaitMs() > config.requestDeadlineMs / 4),
    upstreamSlots: client.slots,
    subscriptions,
    direct: new DirectExecution({
      schema,
      // Yoga's own parse and validate, with every plugin's hooks, for each new query text. The context is that
      // of the POST being served: yoga's parse cache keeps what its hooks make of a syntax error (its code and
      // status) for the replay, which must answer as yoga always does.
      checks: (operationName) => yoga.getEnveloped({ request: POST, params: { operationName } }),
      maxDocumentNesting: defaultNestingLimits.maxDocumentNesting,
      maxVariableNesting: defaultNestingLimits.maxVariableNesting,
      budget: createBudgetCheck(config),
      mask,
      persistedQuery: (hash) => persistedQueries.get(hash),
    }),
    contextFor,
    close: async () => {
      subscriptions.close();
      await client.close();
      try {
        await tracing?.shutdown();
      } catch (error) {
        // The spans still buffered could not be exported (the collector is down or refused them): they are
        // lost, which is worth a warning, not a failed close. Rejected, it reached `npm start`'s signal
        // handler as an unhandled rejection: exit 1 instead of 0, and the embedded service left running.
        log.warn({ err: error }, 'tracing: the spans still buffered at close could not be exported; they are lost');
      }
    },
    destroy: () => {
      subscriptions.close();
      return client.destroy();
    },
  };
}
