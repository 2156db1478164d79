/**
 * The operation name a log line or a span shows: cut to a bounded length (a GraphQL name is the caller's
 * text, and the document limits bound it only loosely).
 */

/** Characters of an operation name shown. */
export const OPERATION_NAME_SHOWN = 100;

/** `name` cut to {@link OPERATION_NAME_SHOWN} characters (and an ellipsis); undefined stays undefined. */
export function shownOperationName(name: string | undefined): string | undefined {
  return name !== undefined && name.length > OPERATION_NAME_SHOWN ? `${name.slice(0, OPERATION_NAME_SHOWN)}…` : name;
}
