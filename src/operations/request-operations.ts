/**
 * The request-scoped operations object: everything one GraphQL request does with connectionOperations,
 * built in its context. It owns the request's call context (forwarded headers, deadline), its loader and its
 * paging; resolvers only translate GraphQL arguments into these calls and results back. Nothing here knows
 * GraphQL.
 */
import type DataLoader from 'dataloader';
import type { OperationModel } from '../odata/entity.js';
import type { CallContext, ConnectionOperationsApi, KeyRead, OperationWrite } from '../odata/operations.js';
import { buildFilter, buildOrderBy, buildSelect, type OperationFilter, type OperationOrder, type SelectableProperty } from '../odata/query-options.js';
import { scopeKey, type CursorCodec, type ListScope } from './cursor.js';
import { createOperationLoader } from './loader.js';
import { CursorPage, readListPage, type FirstPageReader, type ListRequest, type PagedModel } from './paging.js';

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
  /** The properties the selection asks for on the nodes. */
  properties: ReadonlySet<SelectableProperty>;
  /** Whether `totalCount` is selected. */
  count: boolean;
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
   * A page of a connection's operations after the `after` cursor, with the current selection. `readFirst`
   * reads the first upstream page instead of a plain GET (ExternalConnection.operations batches them).
   */
  async list(args: ListArguments, readFirst?: FirstPageReader): Promise<PagedModel> {
    const filter = buildFilter(args.filter);
    const orderBy = buildOrderBy(args.orderBy);
    const scope: ListScope = { list: 'operations', connectionId: args.connectionId, filter: filter === false ? 'false' : filter, orderBy };
    const cursors = this.shared.cursors;
    // The scope's key is made here only to read a cursor; else CursorPage makes it if a cursor is selected.
    const key = args.after == null ? undefined : scopeKey(scope);
    const offset = key === undefined ? 0 : cursors.decode(key, args.after!);
    const limit = args.first ?? this.shared.defaultPageSize;
    // Nothing can match (an empty `in` or `or`): answer without asking the upstream.
    if (filter === false) return new CursorPage({ nodes: [], hasNextPage: false, totalCount: 0 }, offset, cursors, key ?? scope);
    const options: ListRequest['options'] = {
      $select: buildSelect(args.properties),
      $filter: filter,
      $orderby: orderBy,
      $count: args.count ? 'true' : undefined,
    };
    const page = await readListPage(this.shared.api, this.call, { connectionId: args.connectionId, options, limit, offset }, readFirst);
    return new CursorPage(page, offset, cursors, key ?? scope);
  }

  // Writes need no loader bookkeeping: a mutation request has only mutation fields at its root, and none of
  // the objects they return reads by key, so no read of the same request can see state from before a write.

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
