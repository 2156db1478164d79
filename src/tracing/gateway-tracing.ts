/**
 * What a gateway traces with, made from a tracer provider: the upstream attempts' observer, the request spans'
 * reporter and the poll tracer. A gateway gets one only when tracing is on, and main.ts loads this module (and
 * with it @opentelemetry/core, whose W3C propagator tracing.ts uses: 49 modules, about 4 MiB of resident memory)
 * only then; gateway.ts refers to it by type alone.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { UpstreamObserver } from '../odata/observer.js';
import type { RequestReporter } from '../telemetry/request-record.js';
import { pollTracer, type PollTracer } from './poll-spans.js';
import { RequestSpans } from './request-spans.js';
import { TRACER_NAME, TracingObserver } from './tracing.js';

export interface GatewayTracing {
  /** A CLIENT span per upstream attempt. */
  observer: UpstreamObserver;
  /** A SERVER span per GraphQL request. */
  reporter: RequestReporter;
  /** A span per poll of a subscription's shared poller. */
  tracePoll: PollTracer;
  /** Flushes and stops the provider (when it can: an SDK provider). */
  shutdown(): Promise<void>;
}

export function gatewayTracing(provider: TracerProvider & { shutdown?(): Promise<void> }): GatewayTracing {
  const tracer = provider.getTracer(TRACER_NAME);
  return {
    observer: new TracingObserver(tracer),
    reporter: new RequestSpans(tracer),
    tracePoll: pollTracer(tracer),
    shutdown: async () => {
      await provider.shutdown?.();
    },
  };
}
