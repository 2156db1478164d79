/**
 * The operation name a log line or a span shows: the executed operation's name, cut to a bounded length
 * (a GraphQL name is the caller's text, and the document limits bound it only loosely).
 */
import type { OperationDefinitionNode } from 'graphql';

/** Characters of an operation name shown. */
export const OPERATION_NAME_SHOWN = 100;

/** The name of `operation` (graphql-js' getOperationAST of the request), cut; undefined when it has none. */
export function shownOperationName(operation: OperationDefinitionNode | null | undefined): string | undefined {
  const name = operation?.name?.value;
  return name !== undefined && name.length > OPERATION_NAME_SHOWN ? `${name.slice(0, OPERATION_NAME_SHOWN)}…` : name;
}
