/**
 * One structured log line per GraphQL request: operation, duration, error codes and the request id that
 * was also sent upstream, so a request can be followed across both logs. Variables, headers and
 * Authorization are never logged.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context.js';

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
              operationName: getOperationAST(args.document, args.operationName)?.name?.value ?? null,
              durationMs: Math.round(performance.now() - started),
              errors: codes.length ? codes : undefined,
            },
            'graphql request',
          );
        },
      };
    },
  };
}
