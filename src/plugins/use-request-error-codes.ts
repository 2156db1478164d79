/**
 * Request errors that graphql-js reports before execution starts (a variable that does not coerce to its
 * type, a required variable missing or null) come without `extensions.code`. They are the client's input
 * refused, so they get the contract's BAD_USER_INPUT. Their HTTP status is left as the executor set it in
 * `extensions.http` (400, for `application/json` and `application/graphql-response+json` alike).
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../errors.js';

/**
 * An error graphql-js or the executor made itself: no original error, or only GraphQL errors down the
 * chain. Anything else wraps a thrown exception, which masking must still see as it is.
 */
function isOwnGraphQLError(error: GraphQLError): boolean {
  let original: Error | undefined = error.originalError;
  while (original !== undefined) {
    if (!(original instanceof GraphQLError)) return false;
    original = original.originalError;
  }
  return true;
}

function tag(error: GraphQLError): GraphQLError {
  if (error.extensions.code !== undefined || !isOwnGraphQLError(error)) return error;
  const code: ErrorCode = 'BAD_USER_INPUT';
  return createGraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * The result with its request errors tagged. With `data` absent, execution never started: these are
 * request errors, not field errors. (The direct path calls it too: src/http/direct-execution.ts.)
 */
export function tagRequestErrors(result: ExecutionResult): ExecutionResult {
  const { errors } = result;
  if ('data' in result || errors === undefined || errors.length === 0) return result;
  return { ...result, errors: errors.map(tag) };
}

export function useRequestErrorCodes(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return; // no streamed results in this schema
          const tagged = tagRequestErrors(result as ExecutionResult);
          if (tagged !== result) setResult(tagged);
        },
      };
    },
  };
}
