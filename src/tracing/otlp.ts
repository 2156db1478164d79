/**
 * The tracer provider of OTEL_TRACES_EXPORTER=otlp (loaded by main.ts only then): a batch span processor in
 * front of the OTLP/HTTP (JSON) exporter. The exporter and processor read the standard variables themselves:
 * OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (default http://localhost:4318/v1/traces),
 * OTEL_EXPORTER_OTLP_HEADERS / _TRACES_HEADERS, OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_BSP_*; the provider reads
 * OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export function createOtlpTracerProvider(serviceName: string): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: Resource.default().merge(new Resource({ 'service.name': serviceName })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
}
