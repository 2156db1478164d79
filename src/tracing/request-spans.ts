/**
 * A SERVER span per GraphQL request (`graphql.operation <name>`), from its arrival to its end, child of the
 * caller's W3C `traceparent` (over WebSocket: the upgrade request's). It is a reporter of the request's record
 * (src/telemetry/), so both HTTP handlers trace alike, and so do requests refused before execution and
 * graphql-ws operations. The span's context goes into the request's upstream headers when its GraphQL
 * context is made, where the upstream attempts' spans (TracingObserver, tracing.ts) find their parent.
 */
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { GatewayContext } from '../context.js';
import { shownOperationName } from '../telemetry/operation-name.js';
import type { RequestRecord, RequestReporter } from '../telemetry/request-record.js';
import { extractTraceContext, injectTraceContext } from './tracing.js';

/** A W3C trace header's value, when it came once (a repeated header is not a trace context). */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export class RequestSpans implements RequestReporter {
  constructor(private readonly tracer: Tracer) {}

  started(record: RequestRecord): void {
    const traceparent = single(record.headers.traceparent);
    const parent = extractTraceContext(traceparent === undefined ? {} : { traceparent, tracestate: single(record.headers.tracestate) });
    record.span = this.tracer.startSpan('graphql.operation', { kind: SpanKind.SERVER, attributes: { 'graphql.transport': record.transport } }, parent);
  }

  contextCreated(record: RequestRecord, context: GatewayContext): void {
    if (record.span !== undefined) injectTraceContext(record.span, context.upstreamHeaders);
  }

  ended(record: RequestRecord): void {
    const span = record.span;
    if (span === undefined) return;
    const name = shownOperationName(record.name());
    if (name !== undefined) {
      span.updateName(`graphql.operation ${name}`);
      span.setAttribute('graphql.operation.name', name);
    }
    const type = record.operation()?.operation;
    if (type !== undefined) span.setAttribute('graphql.operation.type', type);
    if (record.status !== undefined) span.setAttribute('http.response.status_code', record.status);
    if (record.streamed) span.setAttribute('graphql.streamed', true);
    if (record.failed()) {
      const errors = record.result?.errors;
      const codes = [...new Set(record.errorCodes())];
      if (errors !== undefined) span.setAttribute('graphql.error.count', errors.length);
      if (codes.length > 0) span.setAttribute('graphql.error.codes', codes);
      span.setStatus({ code: SpanStatusCode.ERROR, message: codes.length > 0 ? codes.join(',') : 'no answer' });
    }
    span.end();
  }
}
