/**
 * RequestTelemetry: with no reporter on (METRICS=off, LOG_LEVEL below info, tracing off) it is disabled, and
 * the gateway then installs no record plugin; records are found by the node request they were started for.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../src/telemetry/request-log.js';
import { RequestTelemetry } from '../../src/telemetry/request-telemetry.js';

describe('RequestTelemetry', () => {
  it('is enabled only with a reporter; the log reporter exists only at info and below', () => {
    expect(requestLog(pino({ level: 'warn' }))).toBeUndefined();
    const reporter = requestLog(pino({ level: 'info', enabled: true }, { write: () => undefined }));
    expect(reporter).toBeDefined();
    expect(new RequestTelemetry([]).enabled).toBe(false);
    expect(new RequestTelemetry([reporter!]).enabled).toBe(true);
  });

  it('finds the record of the request it started, and none without a request (yoga.fetch)', () => {
    const telemetry = new RequestTelemetry([]);
    const request = new IncomingMessage(new Socket());
    expect(telemetry.of(request)).toBeUndefined();
    const record = telemetry.start('http', {}, request);
    expect(telemetry.of(request)).toBe(record);
    expect(telemetry.of(undefined)).toBeUndefined();
  });
});
