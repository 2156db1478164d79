/**
 * The request log over loopback: one info line per GraphQL request with the operation name, duration,
 * upstream requests (attempts, retries included) and their summed time, error codes and the
 * client-request-id also sent upstream; never variables or credentials. (Both HTTP handlers: the suite runs
 * with each.)
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { until } from '../support/subscription-clients.js';

interface LogLine {
  level: number;
  msg: string;
  operationName?: string | null;
  durationMs?: number;
  upstreamRequests?: number;
  upstreamMs?: number;
  errors?: string[];
  clientRequestId?: string;
  [key: string]: unknown;
}

const INFO = 30;

describe('request log', () => {
  let stack: Stack;
  let lines: LogLine[];
  let raw: string[];

  beforeEach(async () => {
    lines = [];
    raw = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
          raw.push(text);
          lines.push(JSON.parse(text) as LogLine);
        }
        done();
      },
    });
    stack = await startStack({ config: { retryBaseMs: 1, logLevel: 'info' }, log: pino({ level: 'info' }, sink) });
    for (let n = 0; n < 45; n++) stack.upstream.store.putOperation(`c${n % 3}`, { id: `op-${n}`, status: 'completed' });
    stack.upstream.store.putOperation('c0', { id: 'secret-variable', status: 'completed' });
  });

  afterEach(async () => {
    await stack.close();
  });

  const requestLines = () => lines.filter((line) => line.msg === 'graphql request');
  /** The lines once the request's is written (when its response closes, which may come after the client has read it). */
  const logged = async () => {
    await until(() => requestLines().length > 0, 4000, 'the request log line');
    return requestLines();
  };

  it('writes one line per request: name, duration, upstream requests and time, the client-request-id sent upstream', async () => {
    const reads = Array.from({ length: 45 }, (_, n) => `o${n}: connectionOperation(connectionId: "c${n % 3}", operationId: "op-${n}") { status }`);
    // The first read's key comes as a variable, whose value must not reach the log.
    reads[0] = 'o0: connectionOperation(connectionId: "c0", operationId: $id) { status }';
    const result = await stack.gql(`query FortyFive($id: ID!) { ${reads.join(' ')} }`, { id: 'secret-variable' }, {
      'client-request-id': 'req-log-1',
      authorization: 'Bearer secret-token',
    });
    expect(result.errors).toBeUndefined();
    const [line, ...others] = await logged();
    expect(others).toHaveLength(0);
    expect(line).toMatchObject({ level: INFO, operationName: 'FortyFive', upstreamRequests: 3, clientRequestId: 'req-log-1' });
    expect(line!.errors).toBeUndefined();
    expect(line!.upstreamMs).toBeGreaterThanOrEqual(0);
    expect(line!.durationMs).toBeGreaterThanOrEqual(0);
    // The three $batch posts carried the same id.
    const posts = stack.httpRequests().filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.headers['client-request-id'])).toEqual(['req-log-1', 'req-log-1', 'req-log-1']);
    expect(raw.join('\n')).not.toMatch(/secret-variable|secret-token|Bearer/);
  });

  it('counts retries as upstream requests, and their time', async () => {
    stack.upstream.faults.add({ fault: { type: 'status', status: 503 }, match: { path: '/connections/c0/operations', method: 'GET' }, times: 1 });
    stack.upstream.faults.add({ fault: { type: 'latency', ms: 60 }, match: { path: '/connections/c0/operations', method: 'GET' }, times: Infinity });
    const result = await stack.gql('query Page { connectionOperations(connectionId: "c0", first: 2) { nodes { operationId } } }');
    expect(result.errors).toBeUndefined();
    const [line] = await logged();
    expect(line).toMatchObject({ operationName: 'Page', upstreamRequests: 2 });
    // The first attempt is answered 503 at once (one fault applies per request), the retry after 60 ms.
    expect(line!.upstreamMs).toBeGreaterThanOrEqual(55);
    expect(line!.upstreamMs).toBeLessThanOrEqual(line!.durationMs! + 1);
  });

  it('lists the error codes, and logs an anonymous operation as null', async () => {
    const result = await stack.gql('{ connectionOperations(connectionId: "nosuch", first: 1) { nodes { status } } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const [line] = await logged();
    expect(line).toMatchObject({ operationName: null, upstreamRequests: 1, errors: ['NOT_FOUND'] });
  });

  it('cuts a long operation name', async () => {
    const name = `N${'x'.repeat(300)}`;
    await stack.gql(`query ${name} { __typename }`);
    const [line] = await logged();
    expect(line!.operationName).toBe(`${name.slice(0, 100)}…`);
    expect(line!.upstreamRequests).toBe(0);
  });
});
