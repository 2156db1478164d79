import { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startStack, type Stack } from '../support/stack.js';
import { until } from '../support/subscription-clients.js';

/** 25 distinct keyed reads: with BATCH_MAX 20, two `$batch` posts of 20 and 5 parts. */
const KEYS = Array.from({ length: 25 }, (_, n) => [`c${n % 3}`, `op-${n}`] as const);
const QUERY = `query TwentyFive { ${KEYS.map(([c, id], i) => `o${i}: connectionOperation(connectionId: "${c}", operationId: "${id}") { operationId status }`).join('\n')} }`;

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

function seed(stack: Stack): void {
  for (const [c, id] of KEYS) stack.upstream.store.putOperation(c, { id, status: 'completed' });
}

describe('OpenTelemetry tracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { batchMax: 20, metrics: 'off' }, tracerProvider: provider });
  });
  // The gateway shuts the provider down at close.
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    seed(stack);
    exporter.reset();
  });

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  /** Asks, then waits for the operation span (it ends when the response closes, maybe after the client read it). */
  const ask = async (...args: Parameters<Stack['gql']>) => {
    const result = await stack.gql(...args);
    await until(() => spans().some((s) => s.name.startsWith('graphql.operation')), 4000, 'the operation span');
    return result;
  };

  it('makes one operation span with a child span per $batch post, carrying its part count', async () => {
    const result = await ask(QUERY);
    expect(result.errors).toBeUndefined();
    const operation = spans().filter((s) => s.name.startsWith('graphql.operation'));
    expect(operation.map((s) => s.name)).toEqual(['graphql.operation TwentyFive']);
    const op = operation[0]!;
    expect(op.attributes['graphql.operation.type']).toBe('query');
    expect(op.attributes['graphql.operation.name']).toBe('TwentyFive');
    expect(op.status.code).toBe(0);
    expect(op.parentSpanId).toBeUndefined();

    const upstream = spans().filter((s) => s !== op);
    expect(upstream.map((s) => s.name)).toEqual(['odata.$batch', 'odata.$batch']);
    expect(upstream.map((s) => s.attributes['odata.batch.parts']).sort()).toEqual([20, 5]);
    for (const span of upstream) {
      expect(span.spanContext().traceId).toBe(op.spanContext().traceId);
      expect(span.parentSpanId).toBe(op.spanContext().spanId);
      expect(span.attributes['http.request.method']).toBe('POST');
      expect(span.attributes['http.response.status_code']).toBe(200);
      expect(span.attributes['http.request.resend_count']).toBe(0);
    }

    // Each upstream post carried its own attempt span's context.
    const sent = stack.httpRequests().map((r) => r.headers.traceparent?.match(TRACEPARENT));
    expect(sent).toHaveLength(2);
    expect(sent.map((m) => m?.[2]).sort()).toEqual(upstream.map((s) => s.spanContext().spanId).sort());
  });

  it('makes the operation span a child of an incoming traceparent and sends that trace upstream', async () => {
    const result = await ask(QUERY, undefined, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(result.errors).toBeUndefined();
    const op = spans().find((s) => s.name === 'graphql.operation TwentyFive')!;
    expect(op.spanContext().traceId).toBe(TRACE_ID);
    expect(op.parentSpanId).toBe(CALLER_SPAN);
    for (const span of spans()) expect(span.spanContext().traceId).toBe(TRACE_ID);

    const requests = stack.httpRequests();
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(request.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  });

  it('makes a span per attempt: a $batch post answered 503 and sent again is two spans, the second a resend', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 503 }, match: { path: '/$batch', batchPart: false }, times: 1 });
    const result = await ask(QUERY);
    expect(result.errors).toBeUndefined();
    const op = spans().find((s) => s.name === 'graphql.operation TwentyFive')!;
    const upstream = spans().filter((s) => s.name === 'odata.$batch');
    expect(upstream).toHaveLength(3);
    for (const span of upstream) expect(span.parentSpanId).toBe(op.spanContext().spanId);
    const failed = upstream.filter((s) => s.attributes['http.response.status_code'] === 503);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.status.code).toBe(2);
    const resent = upstream.filter((s) => s.attributes['http.request.resend_count'] === 1);
    expect(resent).toHaveLength(1);
    expect(resent[0]!.attributes['odata.batch.parts']).toBe(failed[0]!.attributes['odata.batch.parts']);
    expect(resent[0]!.attributes['http.response.status_code']).toBe(200);
    // Each attempt sent its own span's context.
    expect(new Set(stack.httpRequests().map((r) => r.headers.traceparent)).size).toBe(3);
  });

  it("marks each attempt by its answer: a 2xx leaves its status unset, a 4xx is an error, no answer is an error 'no answer'", async () => {
    const read = (c: string, id: string) => `query One { connectionOperation(connectionId: "${c}", operationId: "${id}") { status } }`;
    stack.upstream.faults.add({ fault: { type: 'status', status: 400 }, match: { path: '/connections/c0/operations/op-0' } });
    expect((await ask(read('c0', 'op-0'))).errors).toBeDefined();
    const refused = spans().filter((s) => s.name === 'odata.get');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.attributes['http.response.status_code']).toBe(400);
    expect(refused[0]!.status.code).toBe(2);

    exporter.reset();
    stack.upstream.faults.add({ fault: { type: 'drop' }, match: { path: '/connections/c1/operations/op-1' }, times: 1 });
    expect((await ask(read('c1', 'op-1'))).errors).toBeUndefined();
    const attempts = spans().filter((s) => s.name === 'odata.get');
    expect(attempts.map((s) => s.attributes['http.request.resend_count'])).toEqual([0, 1]);
    expect(attempts[0]!.status).toEqual({ code: 2, message: 'no answer' });
    expect(attempts[0]!.attributes['http.response.status_code']).toBeUndefined();
    expect(attempts[1]!.status.code).toBe(0);
    expect(attempts[1]!.attributes['http.response.status_code']).toBe(200);
  });

  it('marks the operation span as an error with the error codes of the result', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 403 }, match: { path: '/connections/c1/operations/op-1', batchPart: true } });
    const result = await ask(QUERY);
    expect(result.errors).toBeDefined();
    const op = spans().find((s) => s.name === 'graphql.operation TwentyFive')!;
    expect(op.status.code).toBe(2);
    expect(op.attributes['graphql.error.codes']).toEqual([...new Set(result.errors!.map((e) => e.extensions!.code))]);
  });
});

describe('tracing off', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { batchMax: 20 } });
  });
  afterAll(() => stack.close());

  it('sends no traceparent upstream, even when the caller sent one', async () => {
    seed(stack);
    const result = await stack.gql(QUERY, undefined, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(result.errors).toBeUndefined();
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(request.headers.traceparent).toBeUndefined();
  });

  it('is off by default and on with OTEL_TRACES_EXPORTER=otlp or an OTLP endpoint', () => {
    expect(loadConfig({}).tracing).toBe('off');
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toBe('otlp');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toBe('otlp');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }).tracing).toBe('otlp');
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toBe('off');
    expect(loadConfig({}).otelServiceName).toBe('odata-graphql-gateway');
    expect(loadConfig({ OTEL_SERVICE_NAME: 'gw' }).otelServiceName).toBe('gw');
  });
});
