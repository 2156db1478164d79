/**
 * Environment → typed, validated configuration. Validation happens once, up front: an invalid value stops
 * the start with one line per problem naming the variable, the value received and what is allowed.
 */
import { z } from 'zod';
import type { ErrorShape } from './odata/error-shape.js';

export type ConnectionsPath = 'connections' | 'external/connections';
export type BatchMode = 'json' | 'off';

export interface GatewayConfig {
  /** Port of the GraphQL endpoint `/graphql`. Default 4000; 0 picks a free port. */
  port: number;
  /** Interface to bind. Default 127.0.0.1. */
  host: string;
  /** OData service root (no trailing slash), e.g. https://graph.microsoft.com/beta. Unset: embedded service. */
  upstreamUrl: string | undefined;
  /**
   * Without UPSTREAM_URL: how long the embedded service's schema registrations and connection deletions run
   * before they settle (Graph takes minutes). Default 20000: long enough to watch one change in GraphiQL.
   */
  embeddedOperationDelayMs: number;
  /** Path family of the connections collection. Default `connections`. */
  connectionsPath: ConnectionsPath;
  /** Timeout of one upstream request (headers and body), in ms. Default 10000. */
  upstreamTimeoutMs: number;
  /** Deadline of a whole GraphQL request, retries included, in ms. Default 30000. */
  requestDeadlineMs: number;
  /** Nodes per page of a list when `first` is not given (1..1000). Default 100. */
  defaultPageSize: number;
  /**
   * Key that seals paging cursors (AES-256-GCM under a key derived from it), at least 32 characters. Replicas
   * with the same key accept each other's cursors. Undefined: a random key per process.
   */
  cursorSecret: string | undefined;
  /** Requests per `$batch`. Default 20 (Microsoft Graph's limit). */
  batchMax: number;
  /** `json`: keyed reads go as OData JSON `$batch`; `off`: concurrent GETs. Default `json`. */
  batchMode: BatchMode;
  /** Upstream reads in flight per GraphQL request: `$batch` posts, or GETs when `$batch` is off. Default 8. */
  getConcurrency: number;
  /** Retries of an idempotent upstream read on 429/502/503/504 or a reset connection. Default 2. */
  retryMax: number;
  /** Longest Retry-After (seconds) the gateway waits out; a longer one fails at once with THROTTLED. Default 5. */
  retryAfterMaxSeconds: number;
  /** Base of the exponential backoff with full jitter when no Retry-After is given, in ms. Default 100. */
  retryBaseMs: number;
  /** Upstream connections kept per origin. Default 32. */
  upstreamConnections: number;
  /** Largest GraphQL request body, in bytes. Default 262144 (256 KiB). */
  maxBodyBytes: number;
  /** Deepest selection set, introspection included (GraphiQL's introspection is 21 deep). Default 24. */
  maxDepth: number;
  /** Aliases per operation. Default 500 (a page of keyed reads). */
  maxAliases: number;
  /** Tokens per document. Default 15000. */
  maxTokens: number;
  /** GraphQL Armor cost per operation. Default 50000. */
  maxCost: number;
  /**
   * Whether clients may introspect the schema (`__schema`, `__type`), and with it whether error messages
   * suggest names ("Did you mean …?"): `on` or `off`. Default `on`. Off, the federation `_service` field
   * still serves the SDL to routers.
   */
  introspection: 'on' | 'off';
  /** GraphQL requests in progress at once; past it a request is refused at once with OVERLOADED (503). Default 128. */
  maxConcurrentRequests: number;
  /**
   * Upstream calls waiting for a pooled connection; past it a call fails at once with OVERLOADED. Default
   * 1024: MAX_CONCURRENT_REQUESTS × GET_CONCURRENCY, so that requests already admitted wait for the upstream
   * rather than fail, and admission control is what refuses work.
   */
  upstreamQueueMax: number;
  /** Upstream requests (attempts included) one GraphQL request may make. Default 100. */
  maxUpstreamRequests: number;
  /** Nodes (entities read, list nodes asked for) one GraphQL request may bring. Default 2000. */
  maxNodes: number;
  /** Upstream response bytes one GraphQL request may read, all responses together. Default 4 MiB. */
  maxResponseBytes: number;
  /** How long shutdown waits for in-flight requests before cutting them off, in ms. Default 10000. */
  shutdownGraceMs: number;
  /**
   * The error shape writes send (ERROR_SHAPE). Undefined (`auto`, the default): the one the upstream's
   * `$metadata` declares, read at start.
   */
  errorShapeOverride: ErrorShape | undefined;
  /**
   * First interval between two polls of a watched operation (Subscription.connectionOperationUpdates), in
   * ms; it grows while nothing changes, up to `subscriptionPollMaxMs`. Default 2000.
   */
  subscriptionPollMs: number;
  /** Longest interval between two polls of a watched operation, in ms. Default 60000 (Graph asks not to poll hard). */
  subscriptionPollMaxMs: number;
  /** Subscriptions open at once in total; past it a new one is refused with OVERLOADED. Default 1000. */
  subscriptionsMax: number;
  /**
   * Subscriptions open at once per client (its Authorization header, or its address without one); past it
   * a new one is refused with BAD_USER_INPUT. Default 20.
   */
  subscriptionsPerClient: number;
  /** Longest life of one subscription, in ms; then it ends with UPSTREAM_TIMEOUT (subscribe again). Default 3600000. */
  subscriptionMaxMs: number;
  /** Prometheus metrics at {@link metricsPath} on the gateway's port: `on` or `off`. Default `on`. */
  metrics: 'on' | 'off';
  /** Path of the Prometheus scrape endpoint (not the GraphQL endpoint nor `/health`). Default `/metrics`. */
  metricsPath: string;
  /**
   * OpenTelemetry tracing: `otlp` exports spans over OTLP/HTTP (endpoint and headers from the standard
   * `OTEL_EXPORTER_OTLP_*` variables). On when OTEL_TRACES_EXPORTER=otlp, or when it is unset and an OTLP
   * endpoint variable is set; otherwise `off` (no tracer, no plugin, nothing on the hot path).
   */
  tracing: 'otlp' | 'off';
  /** `service.name` of the spans (OTEL_SERVICE_NAME). Default `odata-graphql-gateway`. */
  otelServiceName: string;
  /** pino level. Default `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: `a whole number from ${min} to ${max}` }).max(max, { message: `a whole number from ${min} to ${max}` }));

const upstreamUrl = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    { message: 'an absolute http(s) URL of the OData service root, without query, fragment or credentials' },
  )
  .transform((value) => value.replace(/\/+$/, ''));

const schema = z.object({
  PORT: integer(0, 65535).default(4000),
  HOST: z.string().trim().min(1, { message: 'a host name or IP address' }).default('127.0.0.1'),
  UPSTREAM_URL: upstreamUrl.optional(),
  EMBEDDED_OPERATION_DELAY_MS: integer(0, 3_600_000).default(20_000),
  CONNECTIONS_PATH: z
    .enum(['connections', 'external/connections'], { message: '`connections` or `external/connections`' })
    .default('connections'),
  UPSTREAM_TIMEOUT_MS: integer(1, 600_000).default(10_000),
  REQUEST_DEADLINE_MS: integer(1, 600_000).default(30_000),
  DEFAULT_PAGE_SIZE: integer(1, 1000).default(100),
  CURSOR_SECRET: z.string().min(32, { message: 'a key of at least 32 characters' }).optional(),
  BATCH_MAX: integer(1, 20).default(20),
  BATCH_MODE: z.enum(['json', 'off'], { message: '`json` or `off`' }).default('json'),
  GET_CONCURRENCY: integer(1, 256).default(8),
  RETRY_MAX: integer(0, 10).default(2),
  RETRY_AFTER_MAX_S: integer(0, 300).default(5),
  RETRY_BASE_MS: integer(1, 60_000).default(100),
  UPSTREAM_CONNECTIONS: integer(1, 1024).default(32),
  MAX_BODY_BYTES: integer(1024, 64 * 1024 * 1024).default(256 * 1024),
  MAX_DEPTH: integer(2, 200).default(24),
  MAX_ALIASES: integer(1, 10_000).default(500),
  MAX_TOKENS: integer(100, 1_000_000).default(15_000),
  MAX_COST: integer(100, 10_000_000).default(50_000),
  INTROSPECTION: z.enum(['on', 'off'], { message: '`on` or `off`' }).default('on'),
  MAX_CONCURRENT_REQUESTS: integer(1, 100_000).default(128),
  UPSTREAM_QUEUE_MAX: integer(0, 1_000_000).default(1024),
  MAX_UPSTREAM_REQUESTS: integer(1, 100_000).default(100),
  MAX_NODES: integer(1, 10_000_000).default(2000),
  MAX_RESPONSE_BYTES: integer(1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
  SHUTDOWN_GRACE_MS: integer(0, 600_000).default(10_000),
  ERROR_SHAPE: z.enum(['auto', 'errorDetail', 'publicError'], { message: '`auto`, `errorDetail` or `publicError`' }).default('auto'),
  SUBSCRIPTION_POLL_MS: integer(10, 3_600_000).default(2000),
  SUBSCRIPTION_POLL_MAX_MS: integer(10, 3_600_000).default(60_000),
  SUBSCRIPTIONS_MAX: integer(1, 1_000_000).default(1000),
  SUBSCRIPTIONS_PER_CLIENT: integer(1, 100_000).default(20),
  SUBSCRIPTION_MAX_MS: integer(1000, 86_400_000).default(3_600_000),
  METRICS: z.enum(['on', 'off'], { message: '`on` or `off`' }).default('on'),
  METRICS_PATH: z
    .string()
    .trim()
    .regex(/^\/[A-Za-z0-9._~\-/]*$/, { message: 'a path starting with `/` (letters, digits, `._~-/`), other than /graphql, /health and /ready' })
    .refine((path) => !['/graphql', '/health', '/ready', '/'].includes(path), {
      message: 'a path starting with `/` (letters, digits, `._~-/`), other than /graphql, /health and /ready',
    })
    .default('/metrics'),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none'], { message: '`otlp` or `none`' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('odata-graphql-gateway'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/** Variables whose values must not appear in an error line. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['CURSOR_SECRET']);

export const configVariables = Object.keys(schema.shape) as Array<keyof typeof schema.shape>;

/** Thrown by {@link loadConfig}; `problems` holds one line per invalid variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from an environment (default `process.env`); empty values count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const input: Record<string, string> = {};
  for (const name of configVariables) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // A secret is never echoed, even a wrong one: the line goes to a terminal or a log.
      const shown = SECRET_VARIABLES.has(name) ? `<${(input[name] ?? '').length} characters>` : JSON.stringify(input[name] ?? '');
      return `Invalid ${name}=${shown}: expected ${issue.message}.`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    upstreamUrl: c.UPSTREAM_URL,
    embeddedOperationDelayMs: c.EMBEDDED_OPERATION_DELAY_MS,
    connectionsPath: c.CONNECTIONS_PATH,
    upstreamTimeoutMs: c.UPSTREAM_TIMEOUT_MS,
    requestDeadlineMs: c.REQUEST_DEADLINE_MS,
    defaultPageSize: c.DEFAULT_PAGE_SIZE,
    cursorSecret: c.CURSOR_SECRET,
    batchMax: c.BATCH_MAX,
    batchMode: c.BATCH_MODE,
    getConcurrency: c.GET_CONCURRENCY,
    retryMax: c.RETRY_MAX,
    retryAfterMaxSeconds: c.RETRY_AFTER_MAX_S,
    retryBaseMs: c.RETRY_BASE_MS,
    upstreamConnections: c.UPSTREAM_CONNECTIONS,
    maxBodyBytes: c.MAX_BODY_BYTES,
    maxDepth: c.MAX_DEPTH,
    maxAliases: c.MAX_ALIASES,
    maxTokens: c.MAX_TOKENS,
    maxCost: c.MAX_COST,
    introspection: c.INTROSPECTION,
    maxConcurrentRequests: c.MAX_CONCURRENT_REQUESTS,
    upstreamQueueMax: c.UPSTREAM_QUEUE_MAX,
    maxUpstreamRequests: c.MAX_UPSTREAM_REQUESTS,
    maxNodes: c.MAX_NODES,
    maxResponseBytes: c.MAX_RESPONSE_BYTES,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
    errorShapeOverride: c.ERROR_SHAPE === 'auto' ? undefined : c.ERROR_SHAPE,
    subscriptionPollMs: c.SUBSCRIPTION_POLL_MS,
    // The cap is never below the first interval.
    subscriptionPollMaxMs: Math.max(c.SUBSCRIPTION_POLL_MS, c.SUBSCRIPTION_POLL_MAX_MS),
    subscriptionsMax: c.SUBSCRIPTIONS_MAX,
    subscriptionsPerClient: c.SUBSCRIPTIONS_PER_CLIENT,
    subscriptionMaxMs: c.SUBSCRIPTION_MAX_MS,
    metrics: c.METRICS,
    metricsPath: c.METRICS_PATH,
    tracing:
      c.OTEL_TRACES_EXPORTER === 'otlp' ||
      (c.OTEL_TRACES_EXPORTER === undefined && (c.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined))
        ? 'otlp'
        : 'off',
    otelServiceName: c.OTEL_SERVICE_NAME,
    logLevel: c.LOG_LEVEL,
  };
}

/** Defaults with overrides, for tests and embedding. */
export function defaultConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return { ...loadConfig({}), ...overrides };
}
