/**
 * Notes what the GraphQL pipeline knows of a request on its metrics observation (src/metrics/): the parsed
 * document (for the operation name) and the result answered. Every hook used here runs on both HTTP paths:
 * envelop's `onParse` and yoga's `onExecutionResult` inside `getResultForParams` (which the lean handler
 * calls too), and `onResultProcess` for what only yoga answers (parameters refused by an `onParams` hook,
 * which the lean handler always hands back to yoga). The request is counted when its response closes
 * (server.ts), once, with what was noted last.
 */
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { GatewayMetrics, RequestObservation } from '../metrics/gateway-metrics.js';

interface WithReq {
  req?: IncomingMessage;
  params?: { operationName?: unknown };
}

function note(observation: RequestObservation, result: unknown, params: WithReq['params']): void {
  if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
    observation.streamed = true;
    return;
  }
  observation.result = result as ExecutionResult;
  if (params !== undefined) observation.operationName = params.operationName;
}

export function useMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onParse({ context }) {
      const observation = metrics.observationOf((context as WithReq).req);
      if (observation === undefined) return;
      return ({ result }) => {
        if (!(result instanceof Error) && result !== null) observation.document = result as DocumentNode;
      };
    },
    onExecutionResult({ result, context }) {
      const observation = metrics.observationOf((context as WithReq).req);
      if (observation !== undefined) note(observation, result, (context as WithReq).params);
    },
    onResultProcess({ result, serverContext }) {
      const observation = metrics.observationOf((serverContext as WithReq | undefined)?.req);
      // Results that went through onExecutionResult are already noted; this is for the ones that did not.
      if (observation !== undefined && observation.result === undefined && !observation.streamed) {
        if (Array.isArray(result)) return;
        note(observation, result, undefined);
      }
    },
  };
}
