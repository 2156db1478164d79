/**
 * The upstream calls of DESIGN.md section 1 for connectionOperation: reads by key (plain GET, or OData JSON
 * `$batch` for many, with a fallback to concurrent GETs), collection pages, and the four writes. This file
 * knows OData and HTTP; it knows nothing of GraphQL resolvers or DataLoader.
 */
import type { ConnectionsPath } from '../config.js';
import type { BatchPartResponse } from './batch.js';
import type { BatchedGets, GetResult } from './batched-gets.js';
import type { CallBudget } from './call-budget.js';
import type { Departure } from './departure.js';
import type { HttpMethod, UpstreamClient, UpstreamRequest, UpstreamResponse } from './client.js';
import { errorDetailBody, type ErrorDetailWrite } from './error-detail.js';
import type { ErrorShape } from './error-shape.js';
import { parseOperation, parseOperationPage, type OperationModel, type OperationPageModel } from './entity.js';
import type { UpstreamKind, UpstreamObserver } from './observer.js';
import { UpstreamError } from './errors.js';
import type { ODataStatus } from './enums.js';
import { buildSelect, selectableProperties, type SelectableProperty } from './query-options.js';
import { wrongEntityEvent, type WrongEntityEvent } from './wrong-entity.js';
import { checkedNextLink, isCollectionLink } from './next-link.js';
import { collectionUrl, formatQuery, operationPath, operationsPath, operationsRefPath } from './url.js';

/** What every upstream call of one GraphQL request carries. */
export interface CallContext {
  /** Forwarded headers (Authorization, client-request-id). */
  headers: Record<string, string>;
  /** Epoch ms: the GraphQL request's deadline. No upstream call or retry runs past it. */
  deadline: number;
  /** The caller's departure: pending reads stop and free their connections. */
  departure?: Departure;
  /** What the GraphQL request may still spend upstream. */
  budget?: CallBudget;
}

/** What an upstream request of a call context says of itself; the rest comes from the context. */
export type CallRequest = Pick<UpstreamRequest, 'method' | 'target' | 'lane' | 'body' | 'idempotent' | 'write' | 'kind'> & {
  /** Headers beyond the forwarded ones (If-Match). */
  headers?: Record<string, string>;
};

/**
 * An upstream request of a GraphQL request: `request`, with its call context's forwarded headers, deadline,
 * departure and budget. Built as one literal, every field copied by name: on this path (every upstream call)
 * object spreads, conditional ones above all, cost more than the rest of the request's building.
 */
export function callRequest(call: CallContext, request: CallRequest): UpstreamRequest {
  return {
    method: request.method,
    target: request.target,
    lane: request.lane,
    headers: request.headers === undefined ? call.headers : { ...call.headers, ...request.headers },
    body: request.body,
    idempotent: request.idempotent,
    write: request.write,
    deadline: call.deadline,
    departure: call.departure,
    budget: call.budget,
    kind: request.kind,
  };
}

export type { WrongEntityEvent };

/** One read by key, of the properties a selection asks for (the key is always read). */
export interface KeyRead {
  connectionId: string;
  operationId: string;
  properties: ReadonlySet<SelectableProperty>;
}

/** Query options of the first request of a list (later pages are nextLinks, sent as received). */
export interface PageOptions {
  $select: string;
  $filter?: string;
  $orderby?: string;
  $top?: string;
  $count?: string;
}

export type ReadResult = OperationModel | null | Error;

const ALL_PROPERTIES: ReadonlySet<SelectableProperty> = new Set(selectableProperties);

export interface OperationWrite {
  /** The key to create with (the upstream picks one when absent). */
  operationId?: string | null;
  status?: ODataStatus | null;
  error?: ErrorDetailWrite | null;
}

export interface OperationsApiOptions {
  connectionsPath: ConnectionsPath;
  /** The error shape writes send (reads accept both). Default `'errorDetail'`, the beta shape. */
  errorShape?: ErrorShape;
  /** Qualified connectionOperation type for `@odata.type`. Default `microsoft.graph.connectionOperation`. */
  operationType?: string;
  /** Hears of each answer about another entity than asked (once per read). */
  onWrongEntity?(event: WrongEntityEvent): void;
}

/** The lane (see slots.ts) of calls about one connection: its operations, and the connection itself. */
export function laneOf(connectionId: string): string {
  return `connection/${connectionId}`;
}

/** Drops undefined members, so that only what the client gave is sent. */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A request body with the `@odata.type` annotations Microsoft Graph expects on each structured value, the
 * error in `errorShape` (see errorDetailBody).
 */
export function operationBody(
  write: OperationWrite,
  errorShape: ErrorShape = 'errorDetail',
  operationType = 'microsoft.graph.connectionOperation',
): Record<string, unknown> {
  const error = write.error == null ? write.error : errorDetailBody(write.error, errorShape);
  return {
    '@odata.type': `#${operationType}`,
    ...defined({ id: write.operationId ?? undefined, status: write.status, error }),
  };
}

export class ConnectionOperationsApi {
  /** Who hears of this API's upstream work (the client's observer): the request loaders report to it too. */
  get observer(): UpstreamObserver {
    return this.client.observer;
  }

  constructor(
    private readonly client: UpstreamClient,
    /** Reads by key go out together through it (`$batch`, or concurrent GETs), shared with connections. */
    private readonly gets: BatchedGets,
    private readonly options: OperationsApiOptions,
  ) {}

  private body(write: OperationWrite): Record<string, unknown> {
    return operationBody(write, this.options.errorShape, this.options.operationType);
  }

  private entityTarget(read: KeyRead): string {
    return operationPath(this.options.connectionsPath, read.connectionId, read.operationId) + formatQuery({ $select: buildSelect(read.properties) });
  }

  private send(
    call: CallContext,
    method: HttpMethod,
    target: string,
    lane: string,
    extra?: { body?: unknown; headers?: Record<string, string>; idempotent?: boolean; kind?: UpstreamKind },
  ): Promise<UpstreamResponse> {
    return this.client.send(
      callRequest(call, {
        method,
        target,
        lane,
        headers: extra?.headers,
        body: extra?.body,
        idempotent: extra?.idempotent ?? method === 'GET',
        write: method !== 'GET',
        kind: extra?.kind,
      }),
    );
  }

  /** Reports an answer about another entity, once, with bounded detail. */
  private reportWrongEntity(error: unknown, connectionId: string, asked: string | undefined): void {
    const event = wrongEntityEvent(error, connectionId, asked);
    if (event !== undefined) this.options.onWrongEntity?.(event);
  }

  /**
   * Turns one read's response into its result: the entity, null for 404, or its typed error (also when the
   * answer carries another entity than the one asked for).
   */
  private readResult(read: KeyRead, response: BatchPartResponse | UpstreamResponse): ReadResult {
    if (response.status === 404) return null;
    if (response.status >= 200 && response.status < 300) {
      try {
        return parseOperation(response.body, read.connectionId, read.operationId);
      } catch (error) {
        this.reportWrongEntity(error, read.connectionId, read.operationId);
        return error as Error;
      }
    }
    return UpstreamError.fromResponse(response.status, response.body, response.headers);
  }

  /** The result of one read's GET: its entity, null, or its own error (also when no answer came). */
  private resultOf(read: KeyRead, result: GetResult): ReadResult {
    if (!(result instanceof Error)) return this.readResult(read, result);
    this.reportWrongEntity(result, read.connectionId, read.operationId);
    return result;
  }

  private async getOne(read: KeyRead, call: CallContext): Promise<ReadResult> {
    const [result] = await this.gets.getMany([{ target: this.entityTarget(read), lane: laneOf(read.connectionId) }], call);
    return this.resultOf(read, result!);
  }

  /**
   * Reads one entity by key outside any request's loader: a subscription's poll. It is no loader key, so
   * gateway_loader_keys_total does not count it (its `fetched` stage counts what loaders sent upstream for
   * the keys asked of them); the upstream request itself is counted like any other.
   */
  readPolled(read: KeyRead, call: CallContext): Promise<ReadResult> {
    return this.getOne(read, call);
  }

  /**
   * Reads many entities by key, results in the order of `reads` (DataLoader's contract). Reads of one entity
   * with different properties are one upstream read of their union. They go out through BatchedGets: one
   * plain GET alone, more as `$batch` posts of at most `batchMax` parts (parts answered 429/502/503/504 sent
   * again), without `$batch` as concurrent GETs. Never rejects: each read gets its entity, null, or its own
   * error.
   */
  async readMany(reads: readonly KeyRead[], call: CallContext): Promise<ReadResult[]> {
    const byEntity = new Map<string, { read: KeyRead; properties: Set<SelectableProperty>; indexes: number[] }>();
    reads.forEach((read, index) => {
      const entityKey = JSON.stringify([read.connectionId, read.operationId]);
      const entry = byEntity.get(entityKey);
      if (entry === undefined) byEntity.set(entityKey, { read, properties: new Set(read.properties), indexes: [index] });
      else {
        for (const property of read.properties) entry.properties.add(property);
        entry.indexes.push(index);
      }
    });
    const distinct =
      byEntity.size === reads.length
        ? reads
        : [...byEntity.values()].map(({ read, properties }) => ({ connectionId: read.connectionId, operationId: read.operationId, properties }));
    this.client.observer.loaderFetched('operation', distinct.length);
    const answers = await this.gets.getMany(
      distinct.map((read) => ({ target: this.entityTarget(read), lane: laneOf(read.connectionId) })),
      call,
    );
    const results = distinct.map((read, i) => this.resultOf(read, answers[i]!));
    if (distinct === reads) return results;
    const out = new Array<ReadResult>(reads.length);
    [...byEntity.values()].forEach((entry, i) => {
      for (const index of entry.indexes) out[index] = results[i]!;
    });
    return out;
  }

  /** The absolute link of the first request of a connection's operations list with `options`. */
  firstPageLink(connectionId: string, options: PageOptions): string {
    return collectionUrl(this.client.serviceRoot, operationsPath(this.options.connectionsPath, connectionId), options);
  }

  /** Whether a link (from a cursor) is one of this connection's operations collection ({@link readPage} reads only those). */
  ownsLink(connectionId: string, link: string): boolean {
    return isCollectionLink(link, this.client.serviceRoot, operationsPath(this.options.connectionsPath, connectionId));
  }

  /**
   * The page an upstream link of a connection's operations yields: its first request ({@link firstPageLink}),
   * a nextLink the upstream sent (checked by {@link pageAt}), or a cursor's link (checked by {@link ownsLink}):
   * only links of exactly this connection's collection under the service root ever get here, so the caller's
   * credentials go nowhere else. The page's own nextLink is checked the same way.
   */
  async readPage(connectionId: string, link: string, call: CallContext): Promise<OperationPageModel> {
    const response = await this.send(call, 'GET', link, laneOf(connectionId), { kind: 'list' });
    if (response.status !== 200) throw UpstreamError.fromResponse(response.status, response.body, response.headers);
    return this.pageAt(link, response.body, connectionId, response.headers['request-id']);
  }

  /**
   * The page in an answer to `link`: its nodes, and its nextLink resolved against
   * `link` and checked to stay in the connection's collection (else UPSTREAM_ERROR: a list is never served as
   * if it ended where the upstream pointed elsewhere).
   */
  private pageAt(link: string, body: unknown, connectionId: string, requestId?: string): OperationPageModel {
    let page: OperationPageModel;
    try {
      page = parseOperationPage(body, connectionId);
    } catch (error) {
      this.reportWrongEntity(error, connectionId, undefined);
      throw error;
    }
    page.nextLink = checkedNextLink(page.nextLink, link, this.client.serviceRoot, operationsPath(this.options.connectionsPath, connectionId), requestId);
    return page;
  }

  /** The entity of a write's answer, which must carry the key written when the caller knows it. */
  private expectEntity(response: UpstreamResponse, connectionId: string, operationId: string | undefined): OperationModel {
    if (response.status >= 200 && response.status < 300 && response.body !== undefined) {
      return parseOperation(response.body, connectionId, operationId);
    }
    if (response.status >= 400) throw UpstreamError.fromResponse(response.status, response.body, response.headers);
    throw UpstreamError.malformed(response.status, response.headers['request-id']);
  }

  /** POST: sent once, never retried (a lost answer is reported with outcomeUnknown). */
  async create(connectionId: string, write: OperationWrite, call: CallContext): Promise<OperationModel> {
    const response = await this.send(call, 'POST', operationsPath(this.options.connectionsPath, connectionId), laneOf(connectionId), { body: this.body(write) });
    return this.expectEntity(response, connectionId, write.operationId ?? undefined);
  }

  /** POST `/operations/$ref` with the operation's JSON: sent once, never retried. */
  async addReference(connectionId: string, write: OperationWrite, call: CallContext): Promise<OperationModel> {
    const response = await this.send(call, 'POST', operationsRefPath(this.options.connectionsPath, connectionId), laneOf(connectionId), { body: this.body(write) });
    return this.expectEntity(response, connectionId, write.operationId ?? undefined);
  }

  /**
   * PATCH; retried only with If-Match (a repeat then cannot apply twice). A 204 answer is success: the
   * entity is read back.
   */
  async update(connectionId: string, id: string, write: OperationWrite, ifMatch: string | undefined, call: CallContext): Promise<OperationModel> {
    const response = await this.send(call, 'PATCH', operationPath(this.options.connectionsPath, connectionId, id), laneOf(connectionId), {
      body: this.body(write),
      ...(ifMatch !== undefined ? { headers: { 'if-match': ifMatch }, idempotent: true } : {}),
    });
    if (response.status === 204) {
      const read = await this.getOne({ connectionId, operationId: id, properties: ALL_PROPERTIES }, call);
      if (read === null) throw UpstreamError.fromResponse(404, undefined, {});
      if (read instanceof Error) throw read;
      return read;
    }
    return this.expectEntity(response, connectionId, id);
  }

  /** DELETE; retried only with If-Match. */
  async remove(connectionId: string, id: string, ifMatch: string | undefined, call: CallContext): Promise<void> {
    const response = await this.send(call, 'DELETE', operationPath(this.options.connectionsPath, connectionId, id), laneOf(connectionId), {
      ...(ifMatch !== undefined ? { headers: { 'if-match': ifMatch }, idempotent: true } : {}),
    });
    if (response.status >= 400) throw UpstreamError.fromResponse(response.status, response.body, response.headers);
  }
}
