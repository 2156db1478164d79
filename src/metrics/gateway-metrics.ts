/**
 * The gateway's Prometheus metrics, on a registry of its own (never prom-client's global one, so that several
 * gateways in one process, as in the tests, keep separate counts): GraphQL requests, upstream calls (as the
 * {@link UpstreamObserver} of the upstream client), admission refusals, and Node's process metrics.
 *
 * Labels never carry caller data beyond a bounded operation name: at most {@link OPERATION_NAMES_MAX}
 * distinct names are ever used, later ones are counted as `other`; error codes come from a fixed set.
 *
 * A GraphQL request is counted once, when it is over, whichever path served it (the direct path, yoga, or
 * both after a hand-back, or graphql-ws): the metrics are a reporter of its record (src/telemetry/).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TalliedHistogram, type HistogramTally } from './tallied-histogram.js';
import { ERROR_CODES as CONTRACT_ERROR_CODES } from '../errors.js';
import type { HttpMethod, UpstreamRequest } from '../odata/client.js';
import type { LoaderName, UpstreamKind, UpstreamObserver } from '../odata/observer.js';
import type { RequestRecord, RequestReporter } from '../telemetry/request-record.js';
import { TalliedCounter, type Tally } from './tallied-counter.js';

/** Distinct operation names used as label values; later names count as `other`. */
export const OPERATION_NAMES_MAX = 100;
/** Longest operation name used as a label value; a longer one counts as `other`. */
const OPERATION_NAME_LENGTH_MAX = 100;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Error codes counted by name: the contract's, and those yoga and its plugins answer (the README's error table). Others are `other`. */
export const ERROR_CODES: ReadonlySet<string> = new Set([
  ...CONTRACT_ERROR_CODES,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_MISMATCH',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'INTERNAL_SERVER_ERROR',
]);

const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'];

/** The tally keys of each loader's two stages (no string is built per call). */
const LOADER_KEYS: Record<LoaderName, { asked: string; fetched: string }> = {
  operation: { asked: 'operation asked', fetched: 'operation fetched' },
  connection: { asked: 'connection asked', fetched: 'connection fetched' },
  operationPage: { asked: 'operationPage asked', fetched: 'operationPage fetched' },
  schema: { asked: 'schema asked', fetched: 'schema fetched' },
};

function statusClass(status: number | undefined): string {
  if (status === undefined) return 'error';
  if (status >= 200 && status < 600) return STATUS_CLASSES[Math.floor(status / 100) - 2]!;
  return 'other';
}

/** Latency buckets of requests and upstream attempts, in seconds (LAN to slow cloud answers, past the default 10 s timeout). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface GatewayMetricsOptions {
  /** BATCH_MAX, exported as a gauge for `$batch` fill ratios. */
  batchMax: number;
  /** Collect Node's process metrics (prom-client's default metrics). Default true. */
  processMetrics?: boolean;
}

export class GatewayMetrics implements UpstreamObserver<number>, RequestReporter {
  readonly registry = new Registry();
  private readonly requests: TalliedCounter<'operation' | 'outcome'>;
  private readonly requestDuration: TalliedHistogram<'operation'>;
  private readonly errors: Counter<'code'>;
  private readonly admissionRefusals: Counter;
  private readonly upstreamRequests: TalliedCounter<'method' | 'kind' | 'status_class'>;
  private readonly upstreamDuration: TalliedHistogram<'method' | 'kind'>;
  private readonly batchParts: Histogram;
  private readonly retries: Counter<'kind'>;
  private readonly throttledAnswers: Counter;
  private readonly retryAfter: Histogram;
  private readonly outcomeUnknown: Counter<'method'>;
  private readonly batchPartResponses: TalliedCounter<'status_class'>;
  private readonly loaderKeys: TalliedCounter<'loader' | 'stage'>;
  /** The operation names given a label of their own, in the order they came. */
  private readonly operationNames = new Set<string>();
  /**
   * The tallies of each label set, made once (all sets are bounded), so that a request builds no labels
   * object: counts and the two durations observed per request are tallies (tallied-counter.ts,
   * tallied-histogram.ts).
   */
  private readonly requestChildren = new Map<string, { success: Tally; error: Tally; duration: HistogramTally }>();
  private readonly attemptChildren = new Map<string, { count: Tally; duration: HistogramTally }>();

  constructor(options: GatewayMetricsOptions) {
    const registers = [this.registry];
    this.requests = new TalliedCounter({
      name: 'gateway_graphql_requests_total',
      help: `GraphQL requests (over HTTP and graphql-ws) by operation name (at most ${OPERATION_NAMES_MAX} names, then "other"; "anonymous" without a name) and outcome (error: the answer has errors, or there was none)`,
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.requestDuration = new TalliedHistogram({
      name: 'gateway_graphql_request_duration_seconds',
      help: 'Time from a GraphQL request’s arrival to its response’s end, by operation name (subscription streams excluded)',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'GraphQL errors answered, by extensions.code (a fixed set, else "other"; a request refused before any GraphQL answer, such as an oversize body, is one BAD_REQUEST)',
      labelNames: ['code'],
      registers,
    });
    this.admissionRefusals = new Counter({
      name: 'gateway_admission_refusals_total',
      help: 'GraphQL requests refused by admission control (OVERLOADED, HTTP 503) before being read',
      registers,
    });
    this.upstreamRequests = new TalliedCounter({
      name: 'gateway_upstream_requests_total',
      help: 'Upstream HTTP attempts (each retry is one) by method, kind (get, list, batch, write) and status class (error: no answer)',
      labelNames: ['method', 'kind', 'status_class'],
      registers,
    });
    this.upstreamDuration = new TalliedHistogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Time of one upstream attempt, waiting for a connection included, by method and kind',
      labelNames: ['method', 'kind'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchParts = new Histogram({
      name: 'gateway_upstream_batch_parts',
      help: 'Parts per $batch post (each attempt of a post)',
      buckets: [1, 2, 5, 10, 15, 19, 20],
      registers,
    });
    new Gauge({ name: 'gateway_upstream_batch_max', help: 'Most parts allowed per $batch post (BATCH_MAX)', registers }).set(options.batchMax);
    this.batchPartResponses = new TalliedCounter({
      name: 'gateway_upstream_batch_part_responses_total',
      help: '$batch parts answered, by status class',
      labelNames: ['status_class'],
      registers,
    });
    this.retries = new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Upstream requests sent again after a retryable failure, by kind (batch: $batch parts sent again, or a whole post)',
      labelNames: ['kind'],
      registers,
    });
    this.throttledAnswers = new Counter({
      name: 'gateway_upstream_throttled_total',
      help: 'Throttling answers from the upstream (429, or 503 with Retry-After), of whole requests or $batch parts',
      registers,
    });
    this.retryAfter = new Histogram({
      name: 'gateway_upstream_retry_after_seconds',
      help: 'Retry-After of the throttling answers that gave one, in seconds',
      buckets: [0, 1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.outcomeUnknown = new Counter({
      name: 'gateway_upstream_write_outcome_unknown_total',
      help: 'Writes sent without an answer (outcomeUnknown), by method',
      labelNames: ['method'],
      registers,
    });
    this.loaderKeys = new TalliedCounter({
      name: 'gateway_loader_keys_total',
      help: 'Keys asked of the per-request loaders (stage="asked") and distinct reads sent upstream for them (stage="fetched")',
      labelNames: ['loader', 'stage'],
      registers,
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The text exposition format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // ---- GraphQL requests -------------------------------------------------------------------------

  admissionRefused(): void {
    this.admissionRefusals.inc();
  }

  /** A GraphQL request is over (its response closed, or its WebSocket operation ended): counts it once. */
  ended(record: RequestRecord): void {
    const operation = this.operationLabel(record.name());
    for (const code of record.errorCodes()) this.errors.inc({ code: ERROR_CODES.has(code) ? code : 'other' });
    let children = this.requestChildren.get(operation);
    if (children === undefined) {
      children = {
        success: this.requests.tally(`${operation} success`, () => ({ operation, outcome: 'success' })),
        error: this.requests.tally(`${operation} error`, () => ({ operation, outcome: 'error' })),
        duration: this.requestDuration.tally(operation, () => ({ operation })),
      };
      this.requestChildren.set(operation, children);
    }
    (record.failed() ? children.error : children.success).value++;
    if (!record.streamed) children.duration.observe((performance.now() - record.started) / 1000);
  }

  private operationLabel(name: string | undefined): string {
    if (name === undefined) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= OPERATION_NAMES_MAX || name.length > OPERATION_NAME_LENGTH_MAX || !GRAPHQL_NAME.test(name)) return 'other';
    this.operationNames.add(name);
    return name;
  }

  // ---- UpstreamObserver -------------------------------------------------------------------------

  attemptStarted(): number {
    return performance.now();
  }

  attemptEnded(started: number, request: UpstreamRequest, kind: UpstreamKind, status: number | undefined): void {
    const statusLabel = statusClass(status);
    const key = `${request.method} ${kind} ${statusLabel}`;
    let children = this.attemptChildren.get(key);
    if (children === undefined) {
      children = {
        count: this.upstreamRequests.tally(key, () => ({ method: request.method, kind, status_class: statusLabel })),
        duration: this.upstreamDuration.tally(`${request.method} ${kind}`, () => ({ method: request.method, kind })),
      };
      this.attemptChildren.set(key, children);
    }
    children.count.value++;
    children.duration.observe((performance.now() - started) / 1000);
  }

  retried(kind: UpstreamKind, parts: number): void {
    this.retries.inc({ kind }, parts);
  }

  throttled(retryAfterSeconds: number | undefined): void {
    this.throttledAnswers.inc();
    if (retryAfterSeconds !== undefined) this.retryAfter.observe(retryAfterSeconds);
  }

  batchSent(parts: number): void {
    this.batchParts.observe(parts);
  }

  batchPartAnswered(status: number): void {
    const label = statusClass(status);
    this.batchPartResponses.tally(label, () => ({ status_class: label })).value++;
  }

  writeOutcomeUnknown(method: HttpMethod): void {
    this.outcomeUnknown.inc({ method });
  }

  loaderAsked(loader: LoaderName, count: number): void {
    this.loaderKeys.tally(LOADER_KEYS[loader].asked, () => ({ loader, stage: 'asked' })).value += count;
  }

  loaderFetched(loader: LoaderName, count: number): void {
    this.loaderKeys.tally(LOADER_KEYS[loader].fetched, () => ({ loader, stage: 'fetched' })).value += count;
  }
}
