/**
 * Relay-style paging over upstream pages. A position is (page link, items of it to skip) — see cursor.ts —
 * so a `first` smaller than the upstream's page, and the cursor of any single edge, stay exact.
 */
import { encodeCursor } from '../odata/cursor.js';
import type { OperationModel, OperationPageModel } from '../odata/entity.js';

export interface PagedModel extends OperationPageModel {
  hasNextPage: boolean;
  /** Cursors are computed only when selected. */
  endCursor(): string | null;
  /** The cursor after each node, in order. */
  cursors(): string[];
}

/** Where a page came from: its link, the items skipped, and the list's fingerprint (made on first use). */
export interface PagePosition {
  link: string;
  skip: number;
  query: () => string;
}

/**
 * Slices an upstream page, fetched from `link`, from `skip` to at most `first` nodes, and works out where
 * the next page starts: inside this page while it has more nodes, else at the upstream's nextLink.
 */
export function withPaging(page: OperationPageModel, position: PagePosition, first: number | undefined): PagedModel {
  const { link, skip } = position;
  const end = first === undefined ? page.nodes.length : Math.min(page.nodes.length, skip + first);
  const nodes: OperationModel[] = page.nodes.slice(skip, end);
  const after = (index: number): string =>
    index >= page.nodes.length && page.nextLink !== null
      ? encodeCursor({ link: page.nextLink, skip: 0, query: position.query() })
      : encodeCursor({ link, skip: index, query: position.query() });
  const hasNextPage = end < page.nodes.length || page.nextLink !== null;
  return {
    ...page,
    nodes,
    hasNextPage,
    endCursor: () => (hasNextPage ? after(end) : null),
    cursors: () => nodes.map((_, i) => after(skip + i + 1)),
  };
}
