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

/** The log reporter, or undefined below `info` (the level is fixed for the process: then it costs nothing). */
/**
 * The logger of the request lines: the process log's destination, level and fields, without its redaction
 * and serializers. Every field of a request line is the gateway's own and bounded (the caller's request id
 * only when it is safe to forward, the operation name cut short, numbers, error codes): there is nothing to
 * redact, and redaction's walk of every line cost about 2.5 µs of each request's CPU.
 */
function requestLines(log: Logger): Logger {
  const destination = (log as unknown as Record<symbol, DestinationStream | undefined>)[pino.symbols.streamSym];
  if (destination === undefined) return log;
  return pino({ level: log.level, base: log.bindings() }, destination);
}

export function requestLog(processLog: Logger): RequestReporter | undefined {
  if (!processLog.isLevelEnabled('info')) return undefined;
  const log = requestLines(processLog);
  return {
    ended(record: RequestRecord) {
      const context = record.context;
      const codes = record.errorCodes();
      log.info(
        {
          clientRequestId: context?.clientRequestId ?? callerRequestId(record.headers['client-request-id']) ?? null,
          operationName: shownOperationName(record.name()) ?? null,
          ...(record.transport === 'websocket' ? { transport: record.transport } : { status: record.status ?? null }),
          durationMs: Math.round(performance.now() - record.started),
          upstreamRequests: context?.upstream.requestsMade ?? 0,
          upstreamMs: Math.round(context?.upstream.upstreamMs ?? 0),
          errors: codes.length > 0 ? codes : undefined,
        },
        'graphql request',
      );
    },
  };
}
