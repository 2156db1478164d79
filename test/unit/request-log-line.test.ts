/**
 * The request log line is written by hand, straight to the log's destination: it must be the line pino
 * itself writes for the same fields (same keys, same order, same escaping), for any operation name a caller
 * can send, with and without errors, over HTTP and over WebSocket.
 */
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../src/telemetry/request-log.js';
import { RequestRecord } from '../../src/telemetry/request-record.js';
import { shownOperationName } from '../../src/telemetry/operation-name.js';

function capture() {
  const lines: string[] = [];
  const log = pino({ level: 'info', base: { service: 'odata-graphql-gateway' } }, { write: (line: string) => lines.push(line) });
  return { log, lines };
}

/** The line with its time and duration (the clock's) made equal. */
const steady = (line: string) => line.replace(/"time":\d+/, '"time":0').replace(/"durationMs":\d+/, '"durationMs":0');

const NAMES = ['ListOperations', 'quote"and\\backslash', 'line\nbreak\ttab\u0001', 'ünïcödé 🚀', undefined];

describe('the request log line', () => {
  it.each(NAMES.flatMap((name) => [['http', name, false], ['websocket', name, true]] as const))('%s, operation %j, errors %s: pino’s own line', (transport, name, withErrors) => {
    const ours = capture();
    const record = new RequestRecord(transport, { 'client-request-id': 'caller-1' });
    record.operationName = name;
    if (transport === 'http') record.status = 200;
    record.answered(withErrors ? { errors: [new GraphQLError('x', { extensions: { code: 'NOT_FOUND' } })] } : { data: {} });
    requestLog(ours.log)!.ended(record);

    const reference = capture();
    const codes = record.errorCodes();
    reference.log.info(
      {
        clientRequestId: 'caller-1',
        operationName: shownOperationName(record.name()) ?? null,
        ...(transport === 'websocket' ? { transport } : { status: 200 }),
        durationMs: 0,
        upstreamRequests: 0,
        upstreamMs: 0,
        errors: codes.length > 0 ? codes : undefined,
      },
      'graphql request',
    );
    expect(ours.lines).toHaveLength(1);
    expect(steady(ours.lines[0]!)).toBe(steady(reference.lines[0]!));
    expect(JSON.parse(ours.lines[0]!).msg).toBe('graphql request');
  });
});
