/**
 * Pure builders of upstream paths. Every client-chosen value goes through {@link encodeKeySegment}, so an id
 * can never add, remove or climb a path segment, start a query or fragment, or be read as OData key syntax.
 */
import type { ConnectionsPath } from '../config.js';

/**
 * Encodes one opaque key as one path segment. Everything but unreserved characters is percent-encoded,
 * including `'`, `(` and `)` that encodeURIComponent keeps (they would read as OData key syntax), and a
 * segment of only dots (`.`, `..`) is sent as `%2E…` so no URL normalisation can treat it as a dot segment.
 */
export function encodeKeySegment(key: string): string {
  const encoded = encodeURIComponent(key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return /^\.+$/.test(encoded) ? encoded.replace(/\./g, '%2E') : encoded;
}

/** `{connections}/{cid}/operations`, relative to the service root. */
export function operationsPath(connectionsPath: ConnectionsPath, connectionId: string): string {
  return `${connectionsPath}/${encodeKeySegment(connectionId)}/operations`;
}

/** `{connections}/{cid}/operations/{id}`, relative to the service root. */
export function operationPath(connectionsPath: ConnectionsPath, connectionId: string, id: string): string {
  return `${operationsPath(connectionsPath, connectionId)}/${encodeKeySegment(id)}`;
}

/** `{connections}/{cid}/operations/$ref`, relative to the service root. */
export function operationsRefPath(connectionsPath: ConnectionsPath, connectionId: string): string {
  return `${operationsPath(connectionsPath, connectionId)}/$ref`;
}

/**
 * Serialises query options in OData style, in their order, leaving out undefined ones: `$` kept literal, values
 * percent-encoded. (A plain loop: it runs for every upstream read.)
 */
export function formatQuery<T extends { [K in keyof T]: string | undefined }>(options: T): string {
  let query = '';
  for (const name in options) {
    const value = options[name];
    if (value !== undefined) query += `${query === '' ? '?' : '&'}${name}=${encodeURIComponent(value)}`;
  }
  return query;
}

/** The path segments of `pathname`, percent-decoded, or undefined when one does not decode. */
function decodedSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/**
 * Whether an upstream paging link (`@odata.nextLink`) points at exactly the collection `path` (relative to
 * `serviceRoot`): same origin, no credentials or fragment, and the same path segment by segment after
 * percent-decoding (URL parsing has already resolved dot segments). An upstream that sends anything else is
 * not followed: the caller's credentials would go with the request.
 */
export function isLinkToCollection(link: string, serviceRoot: string, path: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  const root = new URL(serviceRoot);
  if (url.origin !== root.origin || url.username || url.password || url.hash) return false;
  const want = decodedSegments(`${root.pathname}/${path}`);
  const got = decodedSegments(url.pathname);
  return want !== undefined && got !== undefined && got.length === want.length && got.every((segment, i) => segment === want[i]);
}

/** `{connections}/{cid}`, relative to the service root. */
export function connectionPath(connectionsPath: ConnectionsPath, connectionId: string): string {
  return `${connectionsPath}/${encodeKeySegment(connectionId)}`;
}
