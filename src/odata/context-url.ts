/**
 * Reading `@odata.context` URLs, which say what an answer is (`{root}/$metadata#connections('c1')/operations
 * (id,status)/$entity`). The gateway uses them only to catch an answer about another connection than the one
 * asked for: a context it cannot read proves nothing and is ignored.
 */

/** `connections('…')`, with quotes inside the key doubled (OData string literal), maybe percent-encoded. */
const CONNECTION_SEGMENT = /connections\('((?:[^']|'')*)'\)/;

/** The connection key named by a context URL, or undefined when it names none or cannot be read. */
export function contextConnection(context: unknown): string | undefined {
  if (typeof context !== 'string' || context.length > 4096) return undefined;
  const fragment = context.slice(context.indexOf('#') + 1);
  const match = CONNECTION_SEGMENT.exec(fragment);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1]!).replace(/''/g, "'");
  } catch {
    return undefined;
  }
}

/** Whether a context URL says the answer belongs to a connection other than `connectionId`. */
export function contextNamesAnotherConnection(context: unknown, connectionId: string): boolean {
  const named = contextConnection(context);
  return named !== undefined && named !== connectionId;
}
