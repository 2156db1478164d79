/**
 * Relay paging over an OData collection, driven by the upstream's own paging (DESIGN.md 2.1). A position in
 * a list is an upstream link (the list's first request, or an `@odata.nextLink` exactly as received) and a
 * place in the page that link yields. A page of the GraphQL list starts at its position (the `after` cursor's,
 * or the first request's start), takes nodes from that upstream page, and follows nextLinks, unaltered, until
 * it holds `first` nodes or the list ends: upstream pages may hold more or fewer nodes than `$top` asked,
 * or none while a nextLink follows. `$skip` is never sent. At most {@link MAX_UPSTREAM_PAGES} upstream pages
 * are read for one page of the list; a page cut short there still has a cursor past what it skipped.
 */
import type { ConnectionModel } from '../odata/connection-entity.js';
import type { OperationModel } from '../odata/entity.js';
import type { ListPosition } from './cursor.js';

/** Upstream reads one list field may make to fill its page. */
export const MAX_UPSTREAM_PAGES = 10;

/** What one upstream read of a collection gives; `nextLink` is absolute and already checked to stay in the collection. */
export interface UpstreamPage<T> {
  nodes: T[];
  nextLink: string | null;
  totalCount: number | null;
}

/** Reads the page an upstream link of this list yields. */
export type PageReader<T> = (link: string) => Promise<UpstreamPage<T>>;

/** One upstream page as it was used: where it came from and where it goes on. */
interface PageRecord {
  link: string;
  length: number;
  nextLink: string | null;
}

/** The nodes of one page of a list, and the positions after each of them. */
export interface CollectedPage<T> {
  nodes: T[];
  /** Whether the list may go on past the page: nodes left in the last upstream page read, or a nextLink. */
  hasNextPage: boolean;
  /** `@odata.count` of the first upstream page read, when it had one. */
  totalCount: number | null;
  /** The position after node `i`. */
  positionAfter(i: number): ListPosition;
  /** Where the next page of the list starts (past empty upstream pages this page skipped). */
  end: ListPosition;
}

/** The position `index` nodes into `page`, preferring the start of its next page to the end of this one. */
function positionIn(page: PageRecord, index: number): ListPosition {
  if (index >= page.length && page.nextLink !== null) return { link: page.nextLink, index: 0 };
  return { link: page.link, index };
}

/**
 * Collects `limit` nodes from `start`: the upstream page of `start.link` (read with `readLink`, or given as
 * `startPage` when it was read another way, e.g. batched), from `start.index` on, then the pages of its
 * nextLinks. Pure paging arithmetic over the reader; pages are never edited.
 */
export async function collectPage<T>(
  start: ListPosition,
  readLink: PageReader<T>,
  limit: number,
  startPage?: Promise<UpstreamPage<T>>,
): Promise<CollectedPage<T>> {
  let page = await (startPage ?? readLink(start.link));
  let record: PageRecord = { link: start.link, length: page.nodes.length, nextLink: page.nextLink };
  const records = [record];
  const totalCount = page.totalCount;
  // (An index past the page's end, the page having shrunk since, takes nothing from it and goes on.)
  let index = start.index;
  // The common case is one upstream page: its nodes slice once, and positions need no per-node record.
  let nodes: T[] = page.nodes.slice(index, index + limit);
  const firstIndex = index;
  index += nodes.length;
  let pageOfNode: number[] | undefined;
  let indexOfNode: number[] | undefined;
  for (let reads = 1; nodes.length < limit && page.nextLink !== null && reads < MAX_UPSTREAM_PAGES; reads++) {
    if (pageOfNode === undefined) {
      pageOfNode = nodes.map(() => 0);
      indexOfNode = nodes.map((_, i) => firstIndex + i + 1);
    }
    const link = page.nextLink;
    page = await readLink(link);
    record = { link, length: page.nodes.length, nextLink: page.nextLink };
    records.push(record);
    const taken = page.nodes.slice(0, limit - nodes.length);
    for (let i = 0; i < taken.length; i++) {
      pageOfNode.push(records.length - 1);
      indexOfNode!.push(i + 1);
    }
    nodes = nodes.concat(taken);
    index = taken.length;
  }
  const last = record;
  return {
    nodes,
    hasNextPage: index < last.length || last.nextLink !== null,
    totalCount,
    positionAfter: (i) =>
      pageOfNode === undefined ? positionIn(records[0]!, firstIndex + i + 1) : positionIn(records[pageOfNode[i]!]!, indexOfNode![i]!),
    end: positionIn(last, index),
  };
}

/**
 * A page of a list as GraphQL serves it: its nodes, and cursors (sealed positions) made only when the
 * selection asks for one. `seal` seals a position under the list's scope.
 */
export class ListPage<T> {
  readonly nodes: T[];
  readonly hasNextPage: boolean;
  readonly totalCount: number | null;

  constructor(
    private readonly page: CollectedPage<T> | undefined,
    /** Whether the page starts after a cursor (Relay: edges before it may exist). */
    readonly hasPreviousPage: boolean,
    private readonly seal: (position: ListPosition) => string,
    totalCount: number | null = page?.totalCount ?? null,
  ) {
    this.nodes = page?.nodes ?? [];
    this.hasNextPage = page?.hasNextPage ?? false;
    this.totalCount = totalCount;
  }

  /** The cursor of node `i`'s edge: the position right after it. */
  cursorAfter(i: number): string {
    return this.seal(this.page!.positionAfter(i));
  }

  /**
   * The cursor to go on from: after the last node, or past the empty upstream pages read; null when the page
   * is empty and the list ends (Relay: no edges, no cursor).
   */
  endCursor(): string | null {
    if (this.page === undefined || (this.nodes.length === 0 && !this.hasNextPage)) return null;
    return this.seal(this.page.end);
  }
}

/** The model of a list field (`ConnectionOperationConnection`, `ExternalConnectionConnection`). */
export type PagedModel<T = OperationModel> = ListPage<T>;

/** An edge: its node and its place in the page (its cursor is made only when selected). */
export interface EdgeModel<T = OperationModel> {
  node: T;
  page: PagedModel<T>;
  index: number;
}

/** The model of a PageInfo: any list's page. */
export type PageInfoModel = ListPage<unknown>;
export type ConnectionPagedModel = PagedModel<ConnectionModel>;
export type ConnectionEdgeModel = EdgeModel<ConnectionModel>;
