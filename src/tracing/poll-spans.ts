/**
 * A span per poll of a subscription's shared poller (`subscription.poll`, kind INTERNAL), parent of the poll's
 * upstream attempts. A poller serves every subscriber of one operation with the same credentials, so its polls
 * belong to no one subscriber's trace: each poll is the root of a trace of its own, and says how many it served.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { GatewayError } from '../errors.js';
import type { ReadResult } from '../odata/operations.js';
import { injectTraceContext } from './tracing.js';

/** Runs one poll's `read` inside its span; `read` gets the headers to send (with the span's traceparent). */
export type PollTracer = (headers: Record<string, string>, subscribers: number, read: (headers: Record<string, string>) => Promise<ReadResult>) => Promise<ReadResult>;

export function pollTracer(tracer: Tracer): PollTracer {
  return async (headers, subscribers, read) => {
    const span = tracer.startSpan('subscription.poll', { kind: SpanKind.INTERNAL, attributes: { 'subscription.subscribers': subscribers } }, ROOT_CONTEXT);
    const traced = { ...headers };
    injectTraceContext(span, traced);
    try {
      const result = await read(traced);
      if (result === null) span.setAttribute('odata.found', false);
      else if (result instanceof Error) {
        const code = result instanceof GatewayError ? result.code : 'INTERNAL_SERVER_ERROR';
        span.setAttribute('graphql.error.codes', [code]);
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      }
      return result;
    } finally {
      span.end();
    }
  };
}
