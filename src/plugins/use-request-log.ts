/**
 * One structured log line per GraphQL request: operation, duration, upstream requests (attempts: retries
 * and nextLinks count) and the time they took summed, error codes, and the request id that was also sent
 * upstream, so a request can be followed across both logs. Variables, headers and Authorization are never
 * logged. The operation name is the caller's text: it is cut to a bounded length.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context.js';
import { shownOperationName } from './operation-name.js';

export function useRequestLog(log: Logger): Plugin<GatewayContext> {
  // The level is fixed for the process: below `info`, the plugin adds no per-request work at all.
  if (!log.isLevelEnabled('info')) return {};
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return; // no streamed results in this schema
          const codes = (result.errors ?? []).map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          context.logger().info(
            {
              operationName: shownOperationName(getOperationAST(args.document, args.operationName)) ?? null,
              durationMs: Math.round(performance.now() - started),
              upstreamRequests: context.upstream.requestsMade,
              upstreamMs: Math.round(context.upstream.upstreamMs),
              errors: codes.length ? codes : undefined,
            },
            'graphql request',
          );
        },
      };
    },
  };
}
