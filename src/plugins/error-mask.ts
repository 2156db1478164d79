/**
 * Error masking: expected failures (GatewayErrors, and the errors graphql-js makes itself) reach the client
 * as they are; anything else is a bug, answered as "Unexpected error." and logged once with its stack.
 * Yoga's `maskedErrors` option and the direct path (src/http/direct-execution.ts) use the same mask.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { maskError } from 'graphql-yoga';
import type { Logger } from 'pino';
import { GatewayError } from '../errors.js';
import { cutSuggestion } from './use-introspection.js';

/** What a masked error says (yoga's default). */
export const MASKED_MESSAGE = 'Unexpected error.';

export type ErrorMask = (error: unknown, message: string) => Error;

export interface ErrorMaskOptions {
  /**
   * Cut graphql-js's suggestions ("Did you mean …?") from the errors of execution's request checks (a
   * variable's unknown input field or enum value): INTROSPECTION=off (plugins/use-introspection.ts, which
   * does the same to validation errors). Default false.
   */
  hideSuggestions?: boolean;
}

export function createErrorMask(log: Logger, { hideSuggestions = false }: ErrorMaskOptions = {}): ErrorMask {
  return (error, message) => {
    // An expected failure from any layer: graphql-js already copied its extensions onto the error.
    if (error instanceof GraphQLError && error.originalError instanceof GatewayError) return error;
    const masked = maskError(error, message, false);
    // Expected errors pass through unchanged; only what gets masked is a bug worth a log line.
    if (masked !== error) log.error({ err: error }, 'unexpected error, masked in the response');
    if (hideSuggestions && masked instanceof GraphQLError) cutSuggestion(masked);
    return masked;
  };
}

/** The result with each error masked (envelop's useMaskedErrors does the same to yoga's results). */
export function maskResultErrors(result: ExecutionResult, mask: ErrorMask): ExecutionResult {
  const { errors } = result;
  if (errors === undefined || errors.length === 0) return result;
  let changed = false;
  const masked = errors.map((error) => {
    const after = mask(error, MASKED_MESSAGE);
    if (after !== error) changed = true;
    return after as GraphQLError;
  });
  return changed ? { ...result, errors: masked } : result;
}
