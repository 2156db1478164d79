/**
 * The request-scoped connections object: what one GraphQL request does with externalConnections (by key,
 * pages of the collection, and each connection's operations pages read together). Built lazily in its
 * context; nothing here knows GraphQL.
 */
import type DataLoader from 'dataloader';
import type { ConnectionModel, ConnectionProperty } from '../odata/connection-entity.js';
import { buildConnectionSelect, connectionProperties } from '../odata/connection-entity.js';
import type { ConnectionRead, ExternalConnectionsApi, OperationPageRequest } from '../odata/connections.js';
import type { OperationPageModel } from '../odata/entity.js';
import type { CallContext } from '../odata/operations.js';
import type { AcceptedWrite, ConnectionLifecycleApi, ConnectionWrite } from '../odata/connection-lifecycle.js';
import type { SchemaModel, SchemaWrite } from '../odata/schema-entity.js';
import { createConnectionLoader, createOperationPageLoader, createSchemaLoader } from './connection-loaders.js';
import { scopeKey, type CursorCodec, type ListPosition } from './cursor.js';
import { collectPage, ListPage, type ConnectionPagedModel, type PagedModel } from './paging.js';
import { asksCount, type ListArguments, type RequestOperations } from './request-operations.js';

export interface ConnectionsShared {
  api: ExternalConnectionsApi;
  /** The writes of a connection's life (create, register a schema, delete). */
  lifecycle: ConnectionLifecycleApi;
  cursors: CursorCodec;
  defaultPageSize: number;
}

/** A page of the connections as the client asked for it; `first` already checked. */
export interface ConnectionListArguments {
  first?: number | null;
  after?: string | null;
  count: boolean;
}

/** The cursor scope of the connections list: a list of its own, so operations cursors never open on it. */
const CONNECTIONS_SCOPE = scopeKey({ list: 'connections', connectionId: '', filter: undefined, orderBy: undefined });

/** `$select` of every page of the connections: every property the schema maps (see LIST_SELECT). */
const CONNECTIONS_SELECT = buildConnectionSelect(new Set(connectionProperties));

export class RequestConnections {
  private connectionLoader: DataLoader<ConnectionRead, ConnectionModel | null, string> | undefined;
  private pageLoader: DataLoader<OperationPageRequest, OperationPageModel, string> | undefined;
  private schemaLoader: DataLoader<string, SchemaModel | null, string> | undefined;

  constructor(
    private readonly shared: ConnectionsShared,
    private readonly operations: RequestOperations,
    private readonly call: CallContext,
  ) {}

  /** One connection (null when the upstream has none), read together with the other reads of this tick. */
  get(connectionId: string, properties: ReadonlySet<ConnectionProperty>): Promise<ConnectionModel | null> {
    this.connectionLoader ??= createConnectionLoader(this.shared.api, this.call);
    this.shared.api.observer.loaderAsked('connection', 1);
    return this.connectionLoader.load({ connectionId, properties });
  }

  /** A connection's schema (null when none is registered), read together with the other schemas of this tick. */
  schema(connectionId: string): Promise<SchemaModel | null> {
    this.schemaLoader ??= createSchemaLoader(this.shared.api, this.call);
    this.shared.api.observer.loaderAsked('schema', 1);
    return this.schemaLoader.load(connectionId);
  }

  // A write may change what this request's loaders already read (a mutation document can write and then read
  // the same connection in a later field): each write forgets them.
  private forget(): void {
    this.connectionLoader?.clearAll();
    this.schemaLoader?.clearAll();
  }

  /** `POST {cs}`: sent once, never retried. */
  async create(write: ConnectionWrite): Promise<ConnectionModel> {
    this.forget();
    return this.shared.lifecycle.create(write, this.call);
  }

  /** `PATCH {cs}/{cid}/schema`: sent once, never retried; the operation it started, if any. */
  async registerSchema(connectionId: string, schema: SchemaWrite): Promise<AcceptedWrite> {
    this.forget();
    return this.shared.lifecycle.registerSchema(connectionId, schema, this.call);
  }

  /** `DELETE {cs}/{cid}`, with If-Match when given; the operation it started, if any. */
  async remove(connectionId: string, ifMatch: string | undefined): Promise<AcceptedWrite> {
    this.forget();
    return this.shared.lifecycle.remove(connectionId, ifMatch, this.call);
  }

  /** A page of the connections after the `after` cursor (paging.ts). */
  async list(args: ConnectionListArguments): Promise<ConnectionPagedModel> {
    const cursors = this.shared.cursors;
    const seal = (position: ListPosition) => cursors.seal(CONNECTIONS_SCOPE, position);
    const api = this.shared.api;
    const after = args.after == null ? undefined : cursors.open(CONNECTIONS_SCOPE, args.after, (link) => api.ownsListLink(link));
    const limit = args.first ?? this.shared.defaultPageSize;
    const readLink = (link: string) => api.readList(link, this.call);
    if (after !== undefined) {
      // The link repeats the first request's `$count`; when it had none, the count is asked for on its own.
      const count = args.count && !asksCount(after.link) ? api.readList(api.firstListLink({ $select: 'id', $top: '1', $count: 'true' }), this.call) : undefined;
      const [page, counted] = await Promise.all([collectPage(after, readLink, limit), count]);
      return new ListPage(page, true, seal, counted?.totalCount ?? page.totalCount);
    }
    const link = api.firstListLink({ $select: CONNECTIONS_SELECT, $top: String(limit), ...(args.count ? { $count: 'true' } : {}) });
    return new ListPage(await collectPage({ link, index: 0 }, readLink, limit), false, seal);
  }

  /**
   * A page of one connection's operations, as `connectionOperations` reads it, except that the first
   * upstream page goes through the request's page loader: the pages of every connection resolved in the
   * same tick go out together.
   */
  operationsOf(args: ListArguments): Promise<PagedModel> {
    this.pageLoader ??= createOperationPageLoader(this.shared.api, this.call);
    const loader = this.pageLoader;
    const observer = this.shared.api.observer;
    return this.operations.list(args, (request) => {
      observer.loaderAsked('operationPage', 1);
      return loader.load(request);
    });
  }
}
