/**
 * Every GraphQL request is reported once, by all three reporters (metrics, the request log line and the
 * operation span), also when it is refused before execution (a parse or validation error, a refused
 * parameter, an HTTP-level refusal) and when it is a subscription over SSE or graphql-ws. Over loopback, on
 * whichever HTTP handler the suite runs with.
 */
import { Writable } from 'node:stream';
import { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Client as WsClient } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { ended, until, watchOverSse, watchOverWs, wsClient } from '../support/subscription-clients.js';

interface LogLine {
  msg: string;
  operationName?: string | null;
  status?: number | null;
  transport?: string;
  durationMs?: number;
  upstreamRequests?: number;
  errors?: string[];
  clientRequestId?: string | null;
}

/** The value of one sample of the exposition text, 0 when absent. Labels in the order prom-client prints them. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('request telemetry', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let stack: Stack;
  let lines: LogLine[] = [];
  let ws: WsClient | undefined;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as LogLine);
        done();
      },
    });
    stack = await startStack({
      config: { logLevel: 'info', subscriptionPollMs: 30, subscriptionPollMaxMs: 30 },
      log: pino({ level: 'info' }, sink),
      tracerProvider: provider,
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    lines = [];
    exporter.reset();
    stack.upstream.reset();
  });
  afterEach(async () => {
    await ws?.dispose();
    ws = undefined;
  });

  const requestLines = () => lines.filter((line) => line.msg === 'graphql request');
  const operationSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name.startsWith('graphql.operation'));
  const scrape = async () => (await fetch(`${stack.url}/metrics`)).text();

  /** Waits for the one report of one request (they are made when its response closes) and returns them. */
  async function reportsOfOne(): Promise<{ line: LogLine; span: ReadableSpan }> {
    await until(() => requestLines().length >= 1 && operationSpans().length >= 1, 4000, 'the request reported');
    expect(requestLines()).toHaveLength(1);
    expect(operationSpans()).toHaveLength(1);
    return { line: requestLines()[0]!, span: operationSpans()[0]! };
  }

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  describe('refused before execution', () => {
    const cases: Array<{
      what: string;
      body: unknown;
      contentType?: string;
      name: string | null;
      code: string;
    }> = [
      { what: 'a document that does not parse', body: { query: 'query Broken { connectionOperation(' }, name: null, code: 'GRAPHQL_PARSE_FAILED' },
      { what: 'a document that does not validate', body: { query: 'query Invalid { nosuch }' }, name: 'Invalid', code: 'GRAPHQL_VALIDATION_FAILED' },
      {
        what: 'a persisted query the gateway does not have (refused by a parameter hook)',
        body: { operationName: 'Stored', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
        name: 'Stored',
        code: 'PERSISTED_QUERY_NOT_FOUND',
      },
      { what: 'a body that is not a GraphQL request (refused at the HTTP level)', body: '[1, 2]', name: null, code: 'BAD_REQUEST' },
    ];

    it.each(cases)('$what: one log line, one span and one count, all with its code', async ({ body, name, code }) => {
      const before = await scrape();
      const response = await post(body, { 'client-request-id': 'caller-7' });
      expect(response.status).toBeGreaterThanOrEqual(400);
      const answer = (await response.json()) as { errors: Array<{ extensions?: { code?: string } }> };
      expect(answer.errors[0]?.extensions?.code ?? 'BAD_REQUEST').toBe(code);

      const { line, span } = await reportsOfOne();
      expect(line).toMatchObject({ operationName: name, status: response.status, upstreamRequests: 0, errors: [code], clientRequestId: 'caller-7' });
      expect(span.name).toBe(name === null ? 'graphql.operation' : `graphql.operation ${name}`);
      expect(span.status.code).toBe(2);
      expect(span.status.message).toBe(code);
      expect(span.attributes['graphql.error.codes']).toEqual([code]);
      expect(span.attributes['graphql.error.count']).toBe(1);
      expect(span.attributes['http.response.status_code']).toBe(response.status);

      const after = await scrape();
      const label = name ?? 'anonymous';
      const requests = `gateway_graphql_requests_total{operation="${label}",outcome="error"}`;
      expect(sample(after, requests) - sample(before, requests)).toBe(1);
      const errors = `gateway_graphql_errors_total{code="${code}"}`;
      expect(sample(after, errors) - sample(before, errors)).toBe(1);
      expect(stack.httpRequests()).toHaveLength(0);
    });

    it('a body over MAX_BODY_BYTES (refused before it is read, no GraphQL result): counted as BAD_REQUEST', async () => {
      const before = await scrape();
      const response = await post({ query: `query Big { __typename } # ${'x'.repeat(300 * 1024)}` });
      expect(response.status).toBe(413);
      const { line, span } = await reportsOfOne();
      expect(line).toMatchObject({ operationName: null, status: 413, upstreamRequests: 0, errors: ['BAD_REQUEST'] });
      expect(span.status).toEqual({ code: 2, message: 'BAD_REQUEST' });
      // No GraphQL result, so no error list to count.
      expect(span.attributes['graphql.error.count']).toBeUndefined();
      const after = await scrape();
      const requests = 'gateway_graphql_requests_total{operation="anonymous",outcome="error"}';
      expect(sample(after, requests) - sample(before, requests)).toBe(1);
    });

    it('logs no client-request-id it would not forward', async () => {
      await post({ query: '{ nosuch }' }, { 'client-request-id': 'has spaces in it' });
      const { line } = await reportsOfOne();
      expect(line.clientRequestId).toBeNull();
    });
  });

  it('reports a query that ran with its upstream requests, and its span spans the whole request', async () => {
    stack.upstream.store.putOperation('c1', { id: 'op-1', status: 'completed' });
    const started = Date.now();
    const result = await stack.gql('query One { connectionOperation(connectionId: "c1", operationId: "op-1") { status } }', undefined, { 'client-request-id': 'caller-8' });
    expect(result.errors).toBeUndefined();
    const { line, span } = await reportsOfOne();
    expect(line).toMatchObject({ operationName: 'One', status: 200, upstreamRequests: 1, clientRequestId: 'caller-8' });
    expect(line.errors).toBeUndefined();
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(line.durationMs).toBeLessThanOrEqual(Date.now() - started + 1);
    expect(span.name).toBe('graphql.operation One');
    expect(span.attributes['graphql.operation.type']).toBe('query');
    expect(span.attributes['graphql.transport']).toBe('http');
    expect(span.status.code).toBe(0);
    for (const attribute of ['graphql.streamed', 'graphql.error.codes', 'graphql.error.count']) expect(span.attributes[attribute]).toBeUndefined();
    // Started when the request arrived, not when execution began: it starts before the upstream call's span.
    const upstream = exporter.getFinishedSpans().find((s) => s.name === 'odata.get')!;
    expect(upstream.parentSpanId).toBe(span.spanContext().spanId);
    const startMs = (s: ReadableSpan) => s.startTime[0] * 1000 + s.startTime[1] / 1e6;
    expect(startMs(span)).toBeLessThan(startMs(upstream));
    expect(startMs(span)).toBeGreaterThanOrEqual(started - 5);
  });

  it('reports a request whose client left before its answer: a failure with no status and no error code', async () => {
    const before = await scrape();
    stack.upstream.store.putOperation('c1', { id: 'slow-1', status: 'completed' });
    stack.upstream.faults.add({ fault: { type: 'latency', ms: 400 }, match: { path: '/connections/c1/operations/slow-1' } });
    const leaving = new AbortController();
    const asked = fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Left { connectionOperation(connectionId: "c1", operationId: "slow-1") { status } }' }),
      signal: leaving.signal,
    });
    await until(() => stack.httpRequests().length === 1, 4000, 'the upstream read');
    leaving.abort();
    await expect(asked).rejects.toThrow();

    const { line, span } = await reportsOfOne();
    expect(line).toMatchObject({ operationName: 'Left', status: null, upstreamRequests: 1 });
    expect(line.errors).toBeUndefined();
    expect(span.status).toEqual({ code: 2, message: 'no answer' });
    expect(span.attributes['http.response.status_code']).toBeUndefined();
    expect(span.attributes['graphql.error.codes']).toBeUndefined();
    const after = await scrape();
    const series = 'gateway_graphql_requests_total{operation="Left",outcome="error"}';
    expect(sample(after, series) - sample(before, series)).toBe(1);
  });

  describe.each(['sse', 'ws'] as const)('a subscription over %s', (transport) => {
    const watch = (variables: Record<string, unknown>) => {
      if (transport === 'sse') return watchOverSse(stack.url, variables, { 'client-request-id': 'watcher-1', authorization: 'Bearer watcher-token' });
      ws ??= wsClient(stack.url);
      return watchOverWs(ws, variables);
    };

    it('is reported once when it ends, as a stream', async () => {
      const before = await scrape();
      stack.upstream.store.putOperation('c1', { id: 'w-1', status: 'inprogress' });
      const watching = watch({ connectionId: 'c1', operationId: 'w-1' });
      await until(() => watching.states.length === 1, 4000, 'first state');
      // Not over yet: nothing reported.
      expect(requestLines()).toHaveLength(0);
      stack.upstream.store.updateOperation('c1', 'w-1', { status: 'completed' });
      await ended(watching);
      expect(watching.completed).toBe(true);

      const { line, span } = await reportsOfOne();
      expect(line).toMatchObject({ operationName: 'Watch' });
      expect(line.errors).toBeUndefined();
      if (transport === 'sse') expect(line).toMatchObject({ status: 200, clientRequestId: 'watcher-1' });
      // The id its context made (sent upstream by its reads), though the socket's caller sent none.
      else expect(line).toMatchObject({ transport: 'websocket', clientRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(span.name).toBe('graphql.operation Watch');
      expect(span.attributes['graphql.operation.type']).toBe('subscription');
      expect(span.attributes['graphql.streamed']).toBe(true);
      expect(span.attributes['graphql.transport']).toBe(transport === 'sse' ? 'http' : 'websocket');
      expect(span.status.code).toBe(0);

      // Its polls are the shared poller's: each the root of its own trace, parent of its upstream attempt.
      const finished = exporter.getFinishedSpans();
      const polls = finished.filter((s) => s.name === 'subscription.poll');
      expect(polls.length).toBeGreaterThanOrEqual(2);
      for (const poll of polls) {
        expect(poll.parentSpanId).toBeUndefined();
        expect(poll.attributes['subscription.subscribers']).toBe(1);
        expect(poll.status.code).toBe(0);
        const attempts = finished.filter((s) => s.parentSpanId === poll.spanContext().spanId);
        expect(attempts.map((s) => s.name)).toEqual(['odata.get']);
      }
      const pollTraces = new Set(polls.map((s) => s.spanContext().traceId));
      const sent = stack.httpRequests().map((r) => r.headers.traceparent?.split('-')[1]);
      expect(sent.length).toBe(polls.length);
      for (const traceId of sent) expect(pollTraces.has(traceId!)).toBe(true);
      // The traced polls still send the subscriber's credentials.
      if (transport === 'sse') for (const request of stack.httpRequests()) expect(request.headers.authorization).toBe('Bearer watcher-token');

      const after = await scrape();
      const series = 'gateway_graphql_requests_total{operation="Watch",outcome="success"}';
      expect(sample(after, series) - sample(before, series)).toBe(1);
      // A stream's length is not a request latency: it stays out of the histogram.
      const latencies = 'gateway_graphql_request_duration_seconds_count{operation="Watch"}';
      expect(sample(after, latencies)).toBe(sample(before, latencies));
    });

    it('is reported with its error when it ends with one', async () => {
      const before = await scrape();
      const watching = watch({ connectionId: 'c1', operationId: 'nosuch' });
      await ended(watching);
      expect(watching.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
      const { line, span } = await reportsOfOne();
      expect(line).toMatchObject({ operationName: 'Watch', errors: ['NOT_FOUND'] });
      expect(span.status.code).toBe(2);
      const polls = exporter.getFinishedSpans().filter((s) => s.name === 'subscription.poll');
      expect(polls.map((s) => s.attributes['odata.found'])).toEqual([false]);
      const after = await scrape();
      const series = 'gateway_graphql_requests_total{operation="Watch",outcome="error"}';
      expect(sample(after, series) - sample(before, series)).toBe(1);
    });
  });

  it('marks a poll the upstream refused as an error, with its code', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 403 }, match: { path: '/connections/c1/operations/denied' } });
    const watching = watchOverSse(stack.url, { connectionId: 'c1', operationId: 'denied' });
    await ended(watching);
    expect(watching.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    await reportsOfOne();
    const polls = exporter.getFinishedSpans().filter((s) => s.name === 'subscription.poll');
    expect(polls).toHaveLength(1);
    expect(polls[0]!.status.code).toBe(2);
    expect(polls[0]!.attributes['graphql.error.codes']).toEqual(['FORBIDDEN']);
  });

  it('reports an operation refused over graphql-ws', async () => {
    ws = wsClient(stack.url);
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      ws!.subscribe({ query: 'query OverWs { __typename }' }, { next: () => undefined, error: (e) => (errors.push(e), resolve()), complete: resolve });
    });
    expect(errors).toHaveLength(1);
    const { line, span } = await reportsOfOne();
    expect(line).toMatchObject({ operationName: 'OverWs', transport: 'websocket', errors: ['BAD_USER_INPUT'] });
    expect(span.attributes['graphql.transport']).toBe('websocket');
    expect(span.status.code).toBe(2);
  });

  it('reports a graphql-ws subscription its execution refused (a required variable missing) as a failure', async () => {
    ws = wsClient(stack.url);
    // graphql-ws answers an execution's refusal as one result with errors, then completes.
    const answered: Array<{ errors?: readonly unknown[] }> = [];
    await new Promise<void>((resolve, reject) => {
      ws!.subscribe(
        { query: 'subscription NoVariables($connectionId: ID!) { connectionOperationUpdates(connectionId: $connectionId, operationId: "w-1") { status } }' },
        { next: (result) => void answered.push(result), error: reject, complete: resolve },
      );
    });
    expect(answered).toHaveLength(1);
    expect(answered[0]!.errors).toHaveLength(1);
    const { line, span } = await reportsOfOne();
    expect(line).toMatchObject({ operationName: 'NoVariables', transport: 'websocket', errors: ['BAD_USER_INPUT'] });
    expect(span.status.code).toBe(2);
    expect(stack.httpRequests()).toHaveLength(0);
  });

  it('is not made for what is not a GraphQL request', async () => {
    await fetch(`${stack.url}/health`);
    await fetch(`${stack.url}/metrics`);
    await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html' } });
    await stack.gql('query After { __typename }');
    const { line } = await reportsOfOne();
    expect(line.operationName).toBe('After');
  });
});
