/**
 * One structured log line per GraphQL request, when it is over: operation, HTTP status, duration, upstream
 * requests (attempts: retries and nextLinks count) and the time they took summed, error codes, and the
 * request id that was also sent upstream, so a request can be followed across both logs. Requests refused
 * before execution get their line too (no upstream requests, and the caller's request id if it sent a
 * usable one). Variables, headers and Authorization are never logged; the operation name is the caller's
 * text, cut to a bounded length.
 */
import type { Logger } from 'pino';
import { callerRequestId } from '../context.js';
import { shownOperationName } from './operation-name.js';
import type { RequestRecord, RequestReporter } from './request-record.js';

/** The log reporter, or undefined below `info` (the level is fixed for the process: then it costs nothing). */
export function requestLog(log: Logger): RequestReporter | undefined {
  if (!log.isLevelEnabled('info')) return undefined;
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
