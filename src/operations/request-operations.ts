/**
 * The request-scoped operations object: everything one GraphQL request does with connectionOperations,
 * built in its context. It owns the request's call context (forwarded headers, deadline), its loader and its
 * paging; resolvers only translate GraphQL arguments into these calls and results back. Nothing here knows
 * GraphQL.
 */
import type DataLoader from 'dataloader';
import { badUserInput } from '../errors.js';
import type { OperationModel, OperationPageModel } from '../odata/entity.js';
import type { CallContext, ConnectionOperationsApi, KeyRead, OperationWrite, PageOptions } from '../odata/operations.js';
import { buildFilter, buildOrderBy, buildSelect, selectableProperties, type OperationFilter, type OperationOrder, type SelectableProperty } from '../odata/query-options.js';
import { MAX_FIRST_LINK_BYTES } from '../odata/url.js';
import { scopeKey, type CursorCodec, type ListPosition } from './cursor.js';
import { createOperationLoader } from './loader.js';
import { collectPage, ListPage, type PagedModel } from './paging.js';

/** What every request's operations object shares: no caller data. */
export interface OperationsShared {
  api: ConnectionOperationsApi;
  cursors: CursorCodec;
  /** Nodes per page when `first` is not given. */
  defaultPageSize: number;
}

export interface OperationKey {
  connectionId: string;
  operationId: string;
}

/** A list as the client asked for it; arguments already checked (resolvers/arguments.ts). */
export interface ListArguments {
  connectionId: string;
  filter?: OperationFilter | null;
  orderBy?: ReadonlyArray<OperationOrder> | null;
  first?: number | null;
  after?: string | null;
  /** Whether `totalCount` is selected. */
  count: boolean;
}

/** Reads the first page of operations another way than a plain GET (a request's page loader that batches them). */
export type FirstPageReader = (request: { connectionId: string; options: PageOptions }) => Promise<OperationPageModel>;

/**
 * `$select` of every list read: every property the schema maps. A later page is a nextLink sent as received,
 * which repeats the first request's `$select`; selecting everything (three small properties) is what lets a
 * later request select more than the first one did and still get its values, without editing the link.
 */
export const LIST_SELECT = buildSelect(new Set(selectableProperties));

/** Whether an upstream link asks for `@odata.count`. */
export function asksCount(link: string): boolean {
  return new URL(link).searchParams.get('$count') === 'true';
}

/** The refusal of a list whose first upstream request would be too long to page through (its `$filter`). */
export function firstLinkTooLong(bytes: number, argument: string): Error {
  return badUserInput(
    `\`${argument}\` is too long: the list's upstream request would be ${bytes} bytes, and at most ${MAX_FIRST_LINK_BYTES} can be paged through; use fewer or shorter values.`,
    argument,
  );
}

export class RequestOperations {
  private loaderOfRequest: DataLoader<KeyRead, OperationModel | null, string> | undefined;

  constructor(
    private readonly shared: OperationsShared,
    readonly call: CallContext,
  ) {}

  /** Made on first use: many requests read no entity by key. */
  private get loader(): DataLoader<KeyRead, OperationModel | null, string> {
    return (this.loaderOfRequest ??= createOperationLoader(this.shared.api, this.call));
  }

  /** One operation (null when the upstream has none), read together with every other read of this tick. */
  get(key: OperationKey, properties: ReadonlySet<SelectableProperty>): Promise<OperationModel | null> {
    this.shared.api.observer.loaderAsked('operation', 1);
    return this.loader.load({ connectionId: key.connectionId, operationId: key.operationId, properties });
  }

  /**
   * A page of a connection's operations after the `after` cursor (paging.ts). `readFirst` reads the first
   * upstream page instead of a plain GET (ExternalConnection.operations batches them).
   */
  async list(args: ListArguments, readFirst?: FirstPageReader): Promise<PagedModel> {
    const filter = buildFilter(args.filter);
    const orderBy = buildOrderBy(args.orderBy);
    const { connectionId } = args;
    const cursors = this.shared.cursors;
    let key: string | undefined;
    // The scope's key is made only to open or seal a cursor.
    const scope = () => (key ??= scopeKey({ list: 'operations', connectionId, filter: filter === false ? 'false' : filter, orderBy }));
    const seal = (position: ListPosition) => cursors.seal(scope(), position);
    const api = this.shared.api;
    const after = args.after == null ? undefined : cursors.open(scope(), args.after, (link) => api.ownsLink(connectionId, link));
    const limit = args.first ?? this.shared.defaultPageSize;
    // Nothing can match (an empty `in` or `or`): answer without asking the upstream.
    if (filter === false) return new ListPage<OperationModel>(undefined, after !== undefined, seal, 0);
    const readLink = (link: string) => api.readPage(connectionId, link, this.call);
    if (after !== undefined) {
      // The link repeats the first request's `$count`; when it had none, the count is asked for on its own.
      const count = args.count && !asksCount(after.link) ? this.count(connectionId, filter) : undefined;
      const [page, totalCount] = await Promise.all([collectPage(after, readLink, limit), count]);
      return new ListPage(page, true, seal, totalCount ?? page.totalCount);
    }
    // Every key named, in the order they are sent.
    const options: PageOptions = {
      $select: LIST_SELECT,
      $filter: filter,
      $orderby: orderBy,
      $top: String(limit),
      $count: args.count ? 'true' : undefined,
    };
    const link = api.firstPageLink(connectionId, options);
    if (link.length > MAX_FIRST_LINK_BYTES) throw firstLinkTooLong(link.length, 'filter');
    const page = await collectPage({ link, index: 0 }, readLink, limit, readFirst?.({ connectionId, options }));
    return new ListPage(page, false, seal);
  }

  /** `@odata.count` of a connection's operations matching `filter`, read on its own (one node asked for). */
  private async count(connectionId: string, filter: string | undefined): Promise<number | null> {
    const api = this.shared.api;
    const page = await api.readPage(connectionId, api.firstPageLink(connectionId, { $select: 'id', $filter: filter, $top: '1', $count: 'true' }), this.call);
    return page.totalCount;
  }

  // Writes need no loader bookkeeping: a mutation request has only mutation fields at its root, and the only
  // reads by key under them are of operations an accepted connection write just started (a new key each), so
  // no read of the same request can see state from before a write.

  /** POST: sent once, never retried. */
  create(connectionId: string, write: OperationWrite): Promise<OperationModel> {
    return this.shared.api.create(connectionId, write, this.call);
  }

  /** POST `…/operations/$ref`: sent once, never retried. */
  addReference(connectionId: string, write: OperationWrite): Promise<OperationModel> {
    return this.shared.api.addReference(connectionId, write, this.call);
  }

  /** PATCH, with If-Match when given (then retried on throttling). */
  update(key: OperationKey, write: OperationWrite, ifMatch: string | undefined): Promise<OperationModel> {
    return this.shared.api.update(key.connectionId, key.operationId, write, ifMatch, this.call);
  }

  /** DELETE, with If-Match when given. */
  remove(key: OperationKey, ifMatch: string | undefined): Promise<void> {
    return this.shared.api.remove(key.connectionId, key.operationId, ifMatch, this.call);
  }
}
