/**
 * One structured log line per GraphQL request, when it is over: operation, HTTP status, duration, upstream
 * requests (attempts: retries and nextLinks count) and the time they took summed, error codes, and the
 * request id that was also sent upstream, so a request can be followed across both logs. Requests refused
 * before execution get their line too (no upstream requests, and the caller's request id if it sent a
 * usable one). Variables, headers and Authorization are never logged; the operation name is the caller's
 * text, cut to a bounded length.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { callerRequestId } from '../context.js';
import { shownOperationName } from './operation-name.js';
import type { RequestRecord, RequestReporter } from './request-record.js';

/**
 * Where the request lines go: straight to the process log's destination, in pino's own line format (level,
 * time, the log's bindings, the fields, `msg`). Every field of a request line is the gateway's own and
 * bounded (the caller's request id only when it is safe to forward, the operation name cut short, numbers,
 * error codes): it needs neither redaction nor pino's generic serialization, which cost about 5 µs of each
 * request's CPU. (Every pino logger has its destination, stdout by default.)
 */
function lineWriter(log: Logger): (fields: string) => void {
  const destination = (log as unknown as Record<symbol, DestinationStream | undefined>)[pino.symbols.streamSym];
  if (destination === undefined) throw new Error('request log: the logger has no destination to write its lines to');
  const bindings = JSON.stringify(log.bindings()).slice(1, -1);
  const head = `{"level":${log.levels.values.info},"time":`;
  const base = bindings === '' ? ',' : `,${bindings},`;
  return (fields) => destination.write(`${head}${Date.now()}${base}${fields},"msg":"graphql request"}\n`);
}

/** The log reporter, or undefined below `info` (the level is fixed for the process: then it costs nothing). */
export function requestLog(log: Logger): RequestReporter | undefined {
  if (!log.isLevelEnabled('info')) return undefined;
  const write = lineWriter(log);
  return {
    ended(record: RequestRecord) {
      const context = record.context;
      const codes = record.errorCodes();
      const clientRequestId = context?.clientRequestId ?? callerRequestId(record.headers['client-request-id']) ?? null;
      const operationName = shownOperationName(record.name()) ?? null;
      const durationMs = Math.round(performance.now() - record.started);
      const upstreamRequests = context?.upstream.requestsMade ?? 0;
      const upstreamMs = Math.round(context?.upstream.upstreamMs ?? 0);
      const transport = record.transport === 'websocket' ? '"transport":"websocket"' : `"status":${record.status ?? null}`;
      const errors = codes.length > 0 ? `,"errors":${JSON.stringify(codes)}` : '';
      write(
        `"clientRequestId":${JSON.stringify(clientRequestId)},"operationName":${JSON.stringify(operationName)},${transport},"durationMs":${durationMs},"upstreamRequests":${upstreamRequests},"upstreamMs":${upstreamMs}${errors}`,
      );
    },
  };
}
