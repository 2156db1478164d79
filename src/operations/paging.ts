/**
 * Relay paging over an OData collection. A page is read from the current request's arguments and selection
 * only: `$select`, `$filter`, `$orderby` and `$count` as asked now, `$skip` at the cursor's offset, and `$top`
 * one more than the nodes wanted, so `hasNextPage` is known from the answer under both OData semantics
 * (standard `$top`, which ends the collection, and Microsoft Graph's, which sets a page size and goes on with
 * `@odata.nextLink`). When the upstream sends smaller pages than asked (server-driven paging), its
 * nextLinks are followed until the page is full or the list ends, at most {@link MAX_UPSTREAM_PAGES} reads.
 */
import type { CallContext, ConnectionOperationsApi, PageOptions } from '../odata/operations.js';
import type { ConnectionModel } from '../odata/connection-entity.js';
import type { OperationModel, OperationPageModel } from '../odata/entity.js';
import { scopeKey, type CursorCodec, type ListScope } from './cursor.js';

/** Upstream reads one list field may make to fill its page. */
export const MAX_UPSTREAM_PAGES = 10;

export interface ListRequest {
  connectionId: string;
  /** `$select`, `$filter`, `$orderby`, `$count` of the current request (each key present, maybe undefined). */
  options: Pick<PageOptions, '$select' | '$filter' | '$orderby' | '$count'>;
  /** Nodes wanted (`first`, or the default page size). */
  limit: number;
  /** Nodes of the list before this page (from the `after` cursor; 0 without one). */
  offset: number;
}


/** An edge: its cursor (an HMAC, a few µs) is made only when the selection asks for it. */
export interface EdgeModel<T = OperationModel> {
  node: T;
  page: PagedModel<T>;
  /** Position in the list right after this node. */
  position: number;
}

export interface ListPage<T = OperationModel> {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number | null;
}

/**
 * A page of a list with its place in it; `cursor(position)` is the cursor after `position` nodes of the list.
 * It is also the model of the page's PageInfo, whose cursors are made only when selected.
 */
export interface PagedModel<T = OperationModel> extends ListPage<T> {
  /** Offset of the first node of this page in the list. */
  offset: number;
  cursor(position: number): string;
}

/**
 * A page of a list whose cursors are bound to `scope`: the cursors, and the scope's key (cursor.ts) they are
 * made under, are made only when the selection asks for one.
 */
export class CursorPage<T> implements PagedModel<T> {
  readonly nodes: T[];
  readonly hasNextPage: boolean;
  readonly totalCount: number | null;
  private key: string | undefined;

  constructor(
    page: ListPage<T>,
    readonly offset: number,
    private readonly cursors: CursorCodec,
    /** The list's scope, or its key when already made. */
    private readonly scope: ListScope | string,
  ) {
    this.nodes = page.nodes;
    this.hasNextPage = page.hasNextPage;
    this.totalCount = page.totalCount;
  }

  cursor(position: number): string {
    this.key ??= typeof this.scope === 'string' ? this.scope : scopeKey(this.scope);
    return this.cursors.encode(this.key, position);
  }
}

/** The model of a PageInfo: any list's page. */
export type PageInfoModel = PagedModel<unknown>;
export type ConnectionPagedModel = PagedModel<ConnectionModel>;
export type ConnectionEdgeModel = EdgeModel<ConnectionModel>;

/** What one upstream read of a collection gives. */
export interface UpstreamPage<T> {
  nodes: T[];
  nextLink: string | null;
  totalCount: number | null;
}

/** Reads the first page of operations (a plain GET, or through a request's page loader that batches them). */
export type FirstPageReader = (request: { connectionId: string; options: PageOptions }) => Promise<OperationPageModel>;

/** Reads the `limit` nodes after `offset`, following server-driven paging as needed (bounded). */
export async function readListPage(api: ConnectionOperationsApi, call: CallContext, request: ListRequest, readFirst?: FirstPageReader): Promise<ListPage> {
  const { connectionId, limit, offset } = request;
  const asked = request.options;
  // Every key named (spreads here cost more than the rest of the page's building), in the order they are sent.
  const options: PageOptions = {
    $select: asked.$select,
    $filter: asked.$filter,
    $orderby: asked.$orderby,
    $count: asked.$count,
    $top: String(limit + 1),
    $skip: offset > 0 ? String(offset) : undefined,
  };
  const first = readFirst === undefined ? api.readPage({ connectionId, options }, call) : readFirst({ connectionId, options });
  return fillPage(await first, (link) => api.readPage({ connectionId, link }, call), limit);
}

/**
 * Completes a page of `limit` nodes from its first upstream page (read with `$top` = limit + 1), following
 * nextLinks (`readLink` checks they point at the same collection) at most {@link MAX_UPSTREAM_PAGES} reads in all.
 */
export async function fillPage<T>(first: UpstreamPage<T>, readLink: (link: string) => Promise<UpstreamPage<T>>, limit: number): Promise<ListPage<T>> {
  let page = first;
  // The first page's own array until another page adds to it (usually none does).
  let nodes = page.nodes;
  const totalCount = page.totalCount;
  for (let reads = 1; nodes.length < limit && page.nextLink !== null && reads < MAX_UPSTREAM_PAGES; reads++) {
    page = await readLink(page.nextLink);
    nodes = nodes.concat(page.nodes);
  }
  return {
    nodes: nodes.length > limit ? nodes.slice(0, limit) : nodes,
    // More nodes than wanted came back, or the upstream says there is more.
    hasNextPage: nodes.length > limit || page.nextLink !== null,
    totalCount,
  };
}
