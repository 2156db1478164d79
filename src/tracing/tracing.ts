/**
 * OpenTelemetry tracing (OTEL_TRACES_EXPORTER=otlp, or an OTLP endpoint variable set): a span per GraphQL
 * request (request-spans.ts), child spans per upstream attempt (this {@link TracingObserver}, one
 * per `$batch` post with its part count), W3C `traceparent` taken from callers and sent to the upstream.
 *
 * No global context manager and no global propagator: the operation span's context travels in the request's
 * upstream headers (`traceparent`, see GatewayContext.upstreamHeaders), which every upstream request of the
 * GraphQL request carries; each attempt starts its span as a child of it and replaces the header with its own.
 * When tracing is off none of this is built: the client keeps NO_OBSERVER and no span reporter is made, and the SDK
 * and exporter (src/tracing/otlp.ts) are not even loaded.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { UpstreamRequest } from '../odata/client.js';
import type { UpstreamKind, UpstreamObserver } from '../odata/observer.js';

export const TRACER_NAME = 'odata-graphql-gateway';

const propagator = new W3CTraceContextPropagator();

/** The context whose span is the one of a `traceparent` (and `tracestate`) in `carrier`; ROOT_CONTEXT without one. */
export function extractTraceContext(carrier: Record<string, string | undefined>): Context {
  return carrier.traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

/** Writes `span`'s `traceparent` (and `tracestate`) into `headers`. */
export function injectTraceContext(span: Span, headers: Record<string, string>): void {
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
}

/** The span name of an upstream attempt by its kind. */
const SPAN_NAMES: Record<UpstreamKind, string> = {
  get: 'odata.get',
  list: 'odata.list',
  batch: 'odata.$batch',
  write: 'odata.write',
};

function batchParts(request: UpstreamRequest): number | undefined {
  const requests = (request.body as { requests?: unknown } | undefined)?.requests;
  return Array.isArray(requests) ? requests.length : undefined;
}

/** A CLIENT span per upstream attempt, child of the GraphQL operation whose headers the request carries. */
export class TracingObserver implements UpstreamObserver<Span> {
  constructor(private readonly tracer: Tracer) {}

  attemptStarted(request: UpstreamRequest, kind: UpstreamKind, attempt: number, headers: Record<string, string>): Span {
    const parent = extractTraceContext(request.headers ?? {});
    const span = this.tracer.startSpan(
      SPAN_NAMES[kind],
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': request.method,
          'odata.kind': kind,
          // Semantic conventions: the ordinal of a resend, 0 for the first attempt.
          'http.request.resend_count': attempt - 1,
        },
      },
      parent,
    );
    if (kind === 'batch') {
      const parts = batchParts(request);
      if (parts !== undefined) span.setAttribute('odata.batch.parts', parts);
    }
    injectTraceContext(span, headers);
    return span;
  }

  attemptEnded(span: Span, _request: UpstreamRequest, _kind: UpstreamKind, status: number | undefined): void {
    if (status === undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'no answer' });
    } else {
      span.setAttribute('http.response.status_code', status);
      if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  retried(): void {}
  throttled(): void {}
  batchSent(): void {}
  batchPartAnswered(): void {}
  writeOutcomeUnknown(): void {}
  loaderAsked(): void {}
  loaderFetched(): void {}
}
