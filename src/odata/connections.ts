/**
 * The upstream calls about externalConnection: connections by key (many at once through {@link BatchedGets}),
 * pages of the connections collection, and first pages of the operations of many connections at once (GET
 * parts of their collection URLs in `$batch` posts). Knows OData and HTTP, nothing of GraphQL or DataLoader.
 */
import type { ConnectionsPath } from '../config.js';
import type { BatchedGets, GetResult } from './batched-gets.js';
import type { UpstreamClient } from './client.js';
import { buildConnectionSelect, parseConnection, parseConnectionPage, type ConnectionModel, type ConnectionPageModel, type ConnectionProperty } from './connection-entity.js';
import { parseOperationPage, type OperationPageModel } from './entity.js';
import type { UpstreamObserver } from './observer.js';
import { UpstreamError } from './errors.js';
import { laneOf, type CallContext, type PageOptions } from './operations.js';
import { wrongEntityEvent, type WrongEntityEvent } from './wrong-entity.js';
import { checkedNextLink, isCollectionLink } from './next-link.js';
import { parseSchema, type SchemaModel } from './schema-entity.js';
import { collectionUrl, connectionPath, formatQuery, operationsPath, schemaPath } from './url.js';

export interface ConnectionRead {
  connectionId: string;
  properties: ReadonlySet<ConnectionProperty>;
}

export type ConnectionReadResult = ConnectionModel | null | Error;

/** Query options of a page of the connections collection (it has no `$filter` or `$orderby` upstream). */
export interface ConnectionListOptions {
  $select: string;
  $top?: string;
  $count?: string;
}

/** The first page of one connection's operations, by query options. */
export interface OperationPageRequest {
  connectionId: string;
  options: PageOptions;
}

export interface ExternalConnectionsApiOptions {
  connectionsPath: ConnectionsPath;
  /** Hears of each answer about another entity than asked. */
  onWrongEntity?(event: WrongEntityEvent): void;
}

/** The lane of the connections collection; a connection's own calls share its operations' lane (laneOf). */
const LIST_LANE = 'connections';

export class ExternalConnectionsApi {
  /** Who hears of this API's upstream work (the client's observer): the request loaders report to it too. */
  get observer(): UpstreamObserver {
    return this.client.observer;
  }

  constructor(
    private readonly client: UpstreamClient,
    private readonly gets: BatchedGets,
    private readonly options: ExternalConnectionsApiOptions,
  ) {}

  private report(error: unknown, connectionId: string, asked: boolean): void {
    const event = wrongEntityEvent(error, connectionId, asked ? connectionId : undefined);
    if (event !== undefined) this.options.onWrongEntity?.(event);
  }

  /**
   * Connections by key, results in the order of `reads`. Reads of one connection with different selections
   * are one read of their union. An entity under another key than asked is UPSTREAM_ERROR for that read.
   */
  async readMany(reads: readonly ConnectionRead[], call: CallContext): Promise<ConnectionReadResult[]> {
    const byId = new Map<string, Set<ConnectionProperty>>();
    for (const read of reads) {
      const properties = byId.get(read.connectionId) ?? new Set<ConnectionProperty>();
      for (const property of read.properties) properties.add(property);
      byId.set(read.connectionId, properties);
    }
    const ids = [...byId.keys()];
    this.client.observer.loaderFetched('connection', ids.length);
    const answers = await this.gets.getMany(
      ids.map((id) => ({
        target: connectionPath(this.options.connectionsPath, id) + formatQuery({ $select: buildConnectionSelect(byId.get(id)!) }),
        lane: laneOf(id),
      })),
      call,
    );
    const results = new Map(ids.map((id, i) => [id, this.keyedResult(id, answers[i]!, parseConnection, true)]));
    return reads.map((read) => results.get(read.connectionId)!);
  }

  /**
   * What one GET by key of something of a connection (the connection, its schema) gives: its entity (`parse`),
   * null for 404, or its own error; an answer about another connection is reported (`asked`: the connection
   * itself was asked for by its key).
   */
  private keyedResult<T>(connectionId: string, answer: GetResult, parse: (body: unknown, connectionId: string) => T, asked: boolean): T | null | Error {
    if (answer instanceof Error) return answer;
    if (answer.status === 404) return null;
    if (answer.status < 200 || answer.status >= 300) return UpstreamError.fromResponse(answer.status, answer.body, answer.headers);
    try {
      return parse(answer.body, connectionId);
    } catch (error) {
      this.report(error, connectionId, asked);
      return error as Error;
    }
  }

  /** The absolute link of the first request of the connections list with `options`. */
  firstListLink(options: ConnectionListOptions): string {
    return collectionUrl(this.client.serviceRoot, this.options.connectionsPath, options);
  }

  /** Whether a link (from a cursor) is one of the connections collection ({@link readList} reads only those). */
  ownsListLink(link: string): boolean {
    return isCollectionLink(link, this.client.serviceRoot, this.options.connectionsPath);
  }

  /**
   * The page an upstream link of the connections collection yields: its first request, a nextLink as received
   * (checked here, as it arrives), or a cursor's link (checked by {@link ownsListLink}).
   */
  async readList(link: string, call: CallContext): Promise<ConnectionPageModel> {
    const collection = this.options.connectionsPath;
    const [answer] = await this.gets.getMany([{ target: link, lane: LIST_LANE, kind: 'list' }], call);
    if (answer instanceof Error) throw answer;
    if (answer!.status !== 200) throw UpstreamError.fromResponse(answer!.status, answer!.body, answer!.headers);
    const page = parseConnectionPage(answer!.body);
    page.nextLink = checkedNextLink(page.nextLink, link, this.client.serviceRoot, collection, answer!.headers['request-id']);
    return page;
  }

  /**
   * The schemas of many connections (`GET {cs}/{cid}/schema`), in the order of `connectionIds`, read together
   * (`$batch`): each a schema, null when the upstream has none (404), or its own error.
   */
  async readSchemas(connectionIds: readonly string[], call: CallContext): Promise<Array<SchemaModel | null | Error>> {
    this.client.observer.loaderFetched('schema', connectionIds.length);
    const answers = await this.gets.getMany(
      connectionIds.map((id) => ({ target: schemaPath(this.options.connectionsPath, id), lane: laneOf(id) })),
      call,
    );
    return connectionIds.map((connectionId, i) => this.keyedResult(connectionId, answers[i]!, parseSchema, false));
  }

  /**
   * The first pages of many connections' operations, in the order of `requests`: GET parts of the collection
   * URLs, `batchMax` to a `$batch` post. A page whose `@odata.context` names another connection is
   * UPSTREAM_ERROR for that page (parseOperationPage), as on a plain GET.
   */
  async readOperationPages(requests: readonly OperationPageRequest[], call: CallContext): Promise<Array<OperationPageModel | Error>> {
    this.client.observer.loaderFetched('operationPage', requests.length);
    const answers = await this.gets.getMany(
      requests.map((r) => ({ target: operationsPath(this.options.connectionsPath, r.connectionId) + formatQuery(r.options), lane: laneOf(r.connectionId), kind: 'list' as const })),
      call,
    );
    return requests.map((request, i) => {
      const answer = answers[i]!;
      if (answer instanceof Error) return answer;
      if (answer.status !== 200) return UpstreamError.fromResponse(answer.status, answer.body, answer.headers);
      const collection = operationsPath(this.options.connectionsPath, request.connectionId);
      try {
        const page = parseOperationPage(answer.body, request.connectionId);
        page.nextLink = checkedNextLink(page.nextLink, collectionUrl(this.client.serviceRoot, collection, request.options), this.client.serviceRoot, collection, answer.headers['request-id']);
        return page;
      } catch (error) {
        this.report(error, request.connectionId, false);
        return error as Error;
      }
    });
  }
}
