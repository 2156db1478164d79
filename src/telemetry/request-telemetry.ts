/**
 * Keeps the {@link RequestRecord} of each GraphQL request in progress and tells the reporters (metrics, the
 * request log, tracing: whichever are on) when one starts, gets its context, and ends.
 *
 * Over HTTP a record is started on node:http when the request arrives and ended when its response closes
 * ({@link withRequestRecords}), so a request is reported once whatever handler served it, and also when it
 * was refused before execution. The yoga plugin (plugins/use-request-records.ts) and the context factory find
 * it by node's request object. A graphql-ws operation has no request of its own: the WebSocket endpoint
 * starts and ends its record itself.
 *
 * With no reporter on (METRICS=off, LOG_LEVEL above info, tracing off) the gateway makes no telemetry at all:
 * {@link RequestTelemetry.of} gives undefined and nothing is wrapped.
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { runsGraphQL } from '../admission.js';
import type { GatewayContext } from '../context.js';
import { RequestRecord, type RequestReporter, type Transport } from './request-record.js';

/**
 * Where an HTTP request's record is kept: on node's request object itself. (Not a WeakMap: V8 processes a
 * WeakMap's entries whose keys are young objects on every scavenge, which measured about 20 µs of CPU per
 * request under load, some 10%, spread over the whole process as extra GC work.)
 */
const RECORD = Symbol('graphql request record');
type Recorded = IncomingMessage & { [RECORD]?: RequestRecord };

export class RequestTelemetry {
  private readonly starters: RequestReporter[];
  private readonly contextTakers: RequestReporter[];

  constructor(private readonly reporters: readonly RequestReporter[]) {
    this.starters = reporters.filter((r) => r.started !== undefined);
    this.contextTakers = reporters.filter((r) => r.contextCreated !== undefined);
  }

  /** Whether any reporter is on; when not, no record is ever made. */
  get enabled(): boolean {
    return this.reporters.length > 0;
  }

  /** Starts the record of a request that just arrived; over HTTP, `request` is how the plugin finds it. */
  start(transport: Transport, headers: IncomingHttpHeaders, request?: IncomingMessage): RequestRecord {
    const record = new RequestRecord(transport, headers);
    if (request !== undefined) (request as Recorded)[RECORD] = record;
    for (const reporter of this.starters) reporter.started!(record);
    return record;
  }

  /** The record of an HTTP request in progress (none for yoga.fetch, or when nothing reports). */
  of(request: IncomingMessage | undefined): RequestRecord | undefined {
    return (request as Recorded | undefined)?.[RECORD];
  }

  /** The request's GraphQL context was made (again, after a hand-back to yoga: the last one counts). */
  contextCreated(record: RequestRecord, context: GatewayContext): void {
    record.context = context;
    for (const reporter of this.contextTakers) reporter.contextCreated!(record, context);
  }

  /** The request is over: every reporter reports it, once. */
  end(record: RequestRecord): void {
    for (const reporter of this.reporters) reporter.ended(record);
  }
}

const TELEMETRY = Symbol('request telemetry');
type Telemetered = IncomingMessage & { [TELEMETRY]?: RequestTelemetry };

/** A response's 'close' listener ('close' comes once): its request's record is reported, with the status sent. */
function endRecordOnClose(this: ServerResponse): void {
  const request = this.req as Telemetered;
  const telemetry = request[TELEMETRY];
  const record = telemetry?.of(request);
  if (telemetry === undefined || record === undefined) return;
  if (this.headersSent) record.status = this.statusCode;
  telemetry.end(record);
}

/**
 * Records every GraphQL request `handler` serves, from its arrival to the close of its response ('close'
 * comes once per response: after it is sent, or when its client goes away first).
 */
export function withRequestRecords(telemetry: RequestTelemetry, endpoint: string, handler: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (runsGraphQL(request, endpoint)) {
      telemetry.start('http', request.headers, request);
      (request as Telemetered)[TELEMETRY] = telemetry;
      // (One module function for every response: no closure per request.)
      response.on('close', endRecordOnClose);
    }
    handler(request, response);
  };
}
