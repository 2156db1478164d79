/**
 * The one rule for an upstream page's `@odata.nextLink`, for every list: resolved against the link that
 * brought the page and checked to stay in exactly that collection (url.ts collectionLink), or the page is
 * UPSTREAM_ERROR. A link elsewhere is never followed (the caller's credentials would go with it) and never
 * sealed into a cursor, and the page is not served as if the list ended there.
 */
import { UpstreamError } from './errors.js';
import { collectionLink } from './url.js';

/** `nextLink` as it is to be followed, or null when the page is the list's last. */
export function checkedNextLink(nextLink: string | null, link: string, serviceRoot: string, collection: string, requestId?: string): string | null {
  if (nextLink === null) return null;
  const next = collectionLink(nextLink, link, serviceRoot, collection);
  if (next === undefined) throw UpstreamError.unfollowableLink(requestId);
  return next;
}

/**
 * Whether `link` (from a cursor) is a link of the collection, spelled as it will be sent. A cursor opened
 * under the right key holds one; one made before UPSTREAM_URL or CONNECTIONS_PATH changed does not.
 */
export function isCollectionLink(link: string, serviceRoot: string, collection: string): boolean {
  return collectionLink(link, link, serviceRoot, collection) === link;
}
