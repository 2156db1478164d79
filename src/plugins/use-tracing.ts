/**
 * A SERVER span per GraphQL operation (`graphql.operation <name>`), child of the caller's W3C `traceparent`.
 * It hooks envelop's onExecute, which runs on both HTTP paths (the lean handler's `getResultForParams` and
 * yoga's own), so both produce the same spans. The span's context goes into the request's upstream headers,
 * where the upstream attempts' spans (src/tracing/tracing.ts) find their parent.
 */
import { getOperationAST, type ExecutionResult } from 'graphql';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import { extractTraceContext, injectTraceContext } from '../tracing/tracing.js';
import { shownOperationName } from './operation-name.js';

interface HeaderSource {
  request?: { headers: { get(name: string): string | null } };
}

export function useTracing(tracer: Tracer): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext & HeaderSource;
      const operation = getOperationAST(args.document, args.operationName ?? undefined);
      const type = operation?.operation ?? 'query';
      const name = shownOperationName(operation);
      const incoming = context.request?.headers;
      const traceparent = incoming?.get('traceparent') ?? undefined;
      const parent = extractTraceContext(
        traceparent === undefined ? {} : { traceparent, tracestate: incoming?.get('tracestate') ?? undefined },
      );
      const span = tracer.startSpan(
        name === undefined ? 'graphql.operation' : `graphql.operation ${name}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'graphql.operation.type': type,
            ...(name !== undefined ? { 'graphql.operation.name': name } : {}),
          },
        },
        parent,
      );
      if (context.upstreamHeaders !== undefined) injectTraceContext(span, context.upstreamHeaders);
      return {
        onExecuteDone({ result }) {
          if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
            span.setAttribute('graphql.streamed', true);
            span.end();
            return;
          }
          const errors = (result as ExecutionResult).errors;
          if (errors !== undefined && errors.length > 0) {
            const codes = new Set<string>();
            for (const error of errors) {
              const code = error.extensions?.code;
              if (typeof code === 'string') codes.add(code);
            }
            span.setAttribute('graphql.error.count', errors.length);
            if (codes.size > 0) span.setAttribute('graphql.error.codes', [...codes]);
            span.setStatus({ code: SpanStatusCode.ERROR, message: codes.size > 0 ? [...codes].join(',') : 'errors' });
          }
          span.end();
        },
      };
    },
  };
}
