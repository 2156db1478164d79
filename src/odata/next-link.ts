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

/** Throws UPSTREAM_ERROR unless `link` is a link of the collection, spelled as it will be sent. */
export function checkLink(link: string, serviceRoot: string, collection: string): void {
  if (collectionLink(link, link, serviceRoot, collection) !== link) throw UpstreamError.unfollowableLink();
}
