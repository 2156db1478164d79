/**
 * Paging cursors. A cursor names a position as (upstream page link, items of that page to skip): the link is
 * the upstream's own `@odata.nextLink` (or the first page's request), kept opaque, so paging stays the
 * upstream's server-driven paging; the skip lets a cursor point inside a page (edge cursors, or a `first`
 * smaller than the page the upstream sent).
 *
 * A cursor is client input: decoding checks its shape and that the link points at exactly the operations
 * collection of the requested connection under the configured service root, so a forged cursor can never
 * make the gateway fetch a place the client chose.
 */
import { createHash } from 'node:crypto';
import { badUserInput } from '../errors.js';

export interface CursorPosition {
  /** Absolute upstream URL of a page. */
  link: string;
  /** Items at the start of that page already returned. */
  skip: number;
  /**
   * Fingerprint of the list's `$filter` and `$orderby`: a client that pages with the same arguments is
   * served, one that changed them is told so instead of silently getting the old list.
   */
  query: string;
}

/** A short fingerprint of the query options that define a list (not the page shape). */
export function listFingerprint(filter: string | undefined, orderBy: string | undefined): string {
  return createHash('sha256').update(`${filter ?? ''}\n${orderBy ?? ''}`).digest('base64url').slice(0, 16);
}

const VERSION = 1;
const MAX_CURSOR_LENGTH = 8192;
const MAX_SKIP = 100_000;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([VERSION, position.link, position.skip, position.query]), 'utf8').toString('base64url');
}

function invalid(): never {
  throw badUserInput('`after` is not a cursor this gateway issued for this connection.', 'after');
}

/** The path segments of `pathname`, percent-decoded, or undefined when one does not decode. */
function decodedSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/**
 * Decodes a cursor for `connectionId` and checks its link: same origin as `serviceRoot`, no credentials or
 * fragment, and a path that is exactly `{root path}/{connectionsPath}/{connectionId}/operations` segment by
 * segment after percent-decoding (URL parsing has already resolved any dot segments), for a list with the
 * same filter and order. Throws BAD_USER_INPUT.
 */
export function decodeCursor(
  cursor: string,
  expected: { serviceRoot: string; connectionsPath: string; connectionId: string; query: string },
): CursorPosition {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) invalid();
  const [version, link, skip, query] = decoded as unknown[];
  if (version !== VERSION || typeof link !== 'string' || typeof skip !== 'number' || typeof query !== 'string') invalid();
  if (!Number.isSafeInteger(skip) || skip < 0 || skip > MAX_SKIP) invalid();

  let url: URL;
  try {
    url = new URL(link);
  } catch {
    invalid();
  }
  const root = new URL(expected.serviceRoot);
  if (url.origin !== root.origin || url.username || url.password || url.hash) invalid();

  const rootSegments = root.pathname.split('/').filter(Boolean);
  const want = [...rootSegments, ...expected.connectionsPath.split('/'), expected.connectionId, 'operations'];
  const got = decodedSegments(url.pathname.replace(/^\//, ''));
  if (!got || got.length !== want.length || got.some((segment, i) => segment !== want[i])) invalid();

  if (query !== expected.query) {
    throw badUserInput('`after` belongs to a list with other `filter` or `orderBy` arguments; pass the same ones.', 'after');
  }
  return { link: url.href, skip, query };
}
