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

/** Characters of an operation name logged (GraphQL names are unbounded; the document limits bound them only loosely). */
const NAME_LOGGED = 100;

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
          const name = getOperationAST(args.document, args.operationName)?.name?.value ?? null;
          context.logger().info(
            {
              operationName: name !== null && name.length > NAME_LOGGED ? `${name.slice(0, NAME_LOGGED)}…` : name,
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
