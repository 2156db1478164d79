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

/** The absolute URL of the collection `path` (relative to `serviceRoot`) read with `options`: a list's first request. */
export function collectionUrl<T extends { [K in keyof T]: string | undefined }>(serviceRoot: string, path: string, options: T): string {
  return `${serviceRoot}/${path}${formatQuery(options)}`;
}

/** The path segments of `pathname`, percent-decoded, or undefined when one does not decode. */
function decodedSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** Whether `url` lies in exactly the collection `path` under `serviceRoot` (see {@link collectionLink}). */
function isInCollection(url: URL, serviceRoot: string, path: string): boolean {
  const root = new URL(serviceRoot);
  if (url.origin !== root.origin || url.username || url.password || url.hash) return false;
  const want = decodedSegments(`${root.pathname}/${path}`);
  const got = decodedSegments(url.pathname);
  return want !== undefined && got !== undefined && got.length === want.length && got.every((segment, i) => segment === want[i]);
}

/**
 * Longest paging link followed, in bytes: each one may be sealed into cursors (operations/cursor.ts).
 * Graph's nextLinks are a few hundred bytes; they repeat the list's own query options, so the first request
 * of a list is held to half of this ({@link MAX_FIRST_LINK_BYTES}).
 */
export const MAX_LINK_BYTES = 16_384;

/** Longest first request of a list the gateway makes (its `$filter` above all), in bytes. */
export const MAX_FIRST_LINK_BYTES = MAX_LINK_BYTES / 2;

/** Printable ASCII without spaces: what can go on an HTTP request line as it is. */
const REQUEST_LINE_SAFE = /^[\x21-\x7e]*$/;

/**
 * An upstream paging link (`@odata.nextLink`) of the collection `path` (relative to `serviceRoot`), resolved
 * against `base` (the URL of the request that brought it: OData allows relative links), as it is to be sent
 * and sealed into cursors; undefined when it leaves the collection. It must have the root's origin (scheme,
 * host, port), no credentials or fragment, and the collection's path segment by segment after
 * percent-decoding, spelled so that no URL normalisation changes it (no dot segments, encoded or not, no
 * backslashes): the path the check saw is the path the upstream gets. The query is kept as received (Graph:
 * send the whole nextLink), unless it holds characters that cannot go on a request line as they are.
 */
export function collectionLink(link: string, base: string, serviceRoot: string, path: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link, base);
  } catch {
    return undefined;
  }
  if (Buffer.byteLength(link, 'utf8') > MAX_LINK_BYTES || !isInCollection(url, serviceRoot, path)) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(link)) return url.href;
  const prefix = `${url.origin}${url.pathname}`;
  if (!link.startsWith(prefix)) return undefined;
  const query = link.slice(prefix.length);
  if (query !== '' && !query.startsWith('?')) return undefined;
  return REQUEST_LINE_SAFE.test(query) ? link : prefix + url.search;
}

/**
 * Whether an upstream paging link points at exactly the collection `path` (see {@link collectionLink}). An
 * upstream that sends anything else is not followed: the caller's credentials would go with the request.
 */
export function isLinkToCollection(link: string, serviceRoot: string, path: string): boolean {
  return collectionLink(link, serviceRoot, serviceRoot, path) !== undefined;
}

/** `{connections}/{cid}`, relative to the service root. */
export function connectionPath(connectionsPath: ConnectionsPath, connectionId: string): string {
  return `${connectionsPath}/${encodeKeySegment(connectionId)}`;
}

/** `{connections}/{cid}/schema`, relative to the service root. */
export function schemaPath(connectionsPath: ConnectionsPath, connectionId: string): string {
  return `${connectionPath(connectionsPath, connectionId)}/schema`;
}
