/**
 * Notes on a request's {@link RequestRecord} what the GraphQL pipeline knows of it: its `operationName`, the
 * parsed document, and the result answered (of a stream: its results with errors), for what yoga serves:
 * yoga's `onParams`, envelop's `onParse` and `onSubscribe` and yoga's `onExecutionResult` inside
 * `getResultForParams`, and `onResultProcess` for what yoga answers without executing (parameters refused
 * by an `onParams` hook, HTTP-level refusals). The direct path (src/http/direct-execution.ts) notes the same
 * on the record itself; over graphql-ws the WebSocket endpoint does.
 */
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { RequestTelemetry } from '../telemetry/request-telemetry.js';

interface WithReq {
  req?: IncomingMessage;
}

export function useRequestRecords(telemetry: RequestTelemetry): Plugin {
  return {
    onParams({ params, context }) {
      const record = telemetry.of((context as WithReq).req);
      if (record !== undefined) record.operationName = params.operationName;
    },
    onParse({ context }) {
      const record = telemetry.of((context as WithReq).req);
      if (record === undefined) return;
      return ({ result }) => {
        if (!(result instanceof Error) && result !== null) record.document = result as DocumentNode;
      };
    },
    onSubscribe({ args }) {
      const record = telemetry.of((args.contextValue as WithReq).req);
      if (record === undefined) return;
      return {
        onSubscribeResult() {
          return {
            onNext({ result }) {
              record.answeredInStream(result);
            },
          };
        },
      };
    },
    onExecutionResult({ result, context }) {
      telemetry.of((context as WithReq).req)?.answered(result);
    },
    onResultProcess({ result, serverContext }) {
      const record = telemetry.of((serverContext as WithReq | undefined)?.req);
      // Results that went through onExecutionResult are already noted; this is for the ones that did not. (No
      // array comes here: the gateway does not accept batched GraphQL requests.)
      if (record === undefined || record.result !== undefined || record.streamed) return;
      record.answered(result);
    },
  };
}
