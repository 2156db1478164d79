/**
 * The upstream calls of DESIGN.md section 1 for connectionOperation: reads by key (plain GET, or OData JSON
 * `$batch` for many, with a fallback to concurrent GETs), collection pages, and the four writes. This file
 * knows OData and HTTP; it knows nothing of GraphQL resolvers or DataLoader.
 */
import type { BatchMode, ConnectionsPath } from '../config.js';
import { DUPLICATED, buildBatchBody, parseBatchResponse, type BatchPart, type BatchPartResponse } from './batch.js';
import type { CallBudget } from './call-budget.js';
import type { HttpMethod, UpstreamClient, UpstreamResponse } from './client.js';
import { mapConcurrently, sleep } from './concurrency.js';
import { errorDetailBody, type ErrorDetailWrite } from './error-detail.js';
import type { ErrorShape } from './error-shape.js';
import { parseOperation, parseOperationPage, type OperationModel, type OperationPageModel } from './entity.js';
import { UpstreamError, parseRetryAfter } from './errors.js';
import type { ODataStatus } from './enums.js';
import { buildSelect, selectableProperties, type SelectableProperty } from './query-options.js';
import { retryDelay, type RetrySettings } from './retry-policy.js';
import { formatQuery, isLinkToCollection, operationPath, operationsPath, operationsRefPath } from './url.js';

/** What every upstream call of one GraphQL request carries. */
export interface CallContext {
  /** Forwarded headers (Authorization, client-request-id). */
  headers: Record<string, string>;
  /** Epoch ms: the GraphQL request's deadline. No upstream call or retry runs past it. */
  deadline: number;
  /** Aborts when the caller is gone: pending reads stop and free their connections. */
  signal?: AbortSignal;
  /** What the GraphQL request may still spend upstream. */
  budget?: CallBudget;
}

/** An answer about another entity than the one asked for (see parseOperation), for one bounded log line. */
export interface WrongEntityEvent {
  connectionId: string;
  /** The key asked for; undefined for a page. */
  asked: string | undefined;
  /** The key answered (truncated); undefined when the answer carried none or was a page. */
  received: string | undefined;
  /** How the mismatch showed. */
  kind: 'key' | 'connection' | 'duplicated part';
}

/** Longest upstream-chosen string copied into a log line. */
const LOGGED_VALUE_MAX = 200;

function truncated(value: string | undefined): string | undefined {
  return value === undefined || value.length <= LOGGED_VALUE_MAX ? value : `${value.slice(0, LOGGED_VALUE_MAX)}…`;
}

/** One read by key, of the properties a selection asks for (the key is always read). */
export interface KeyRead {
  connectionId: string;
  operationId: string;
  properties: ReadonlySet<SelectableProperty>;
}

/** Query options of a collection read. */
export interface PageOptions {
  $select: string;
  $filter?: string;
  $orderby?: string;
  $top?: string;
  $skip?: string;
  $count?: string;
}

/**
 * A page request: query options, or an `@odata.nextLink` the upstream sent for this connection's collection
 * (followed only when it points at exactly that collection).
 */
export type PageRequest = { connectionId: string; options: PageOptions } | { connectionId: string; link: string };

export type ReadResult = OperationModel | null | Error;

const ALL_PROPERTIES: ReadonlySet<SelectableProperty> = new Set(selectableProperties);

export interface OperationWrite {
  /** The key to create with (the upstream picks one when absent). */
  operationId?: string | null;
  status?: ODataStatus | null;
  error?: ErrorDetailWrite | null;
}

export interface OperationsApiOptions extends RetrySettings {
  connectionsPath: ConnectionsPath;
  batchMax: number;
  batchMode: BatchMode;
  getConcurrency: number;
  /** The error shape writes send (reads accept both). Default `'errorDetail'`, the beta shape. */
  errorShape?: ErrorShape;
  /** Hears of each answer about another entity than asked (once per read). */
  onWrongEntity?(event: WrongEntityEvent): void;
}

/** The lane (see slots.ts) of calls about one connection's operations. */
function laneOf(connectionId: string): string {
  return `connection/${connectionId}`;
}

/** Statuses with which an upstream says it has no `$batch`. */
const NO_BATCH_STATUSES: ReadonlySet<number> = new Set([404, 405, 501]);

/** Drops undefined members, so that only what the client gave is sent. */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A request body with the `@odata.type` annotations Microsoft Graph expects on each structured value, the
 * error in `errorShape` (see errorDetailBody).
 */
export function operationBody(write: OperationWrite, errorShape: ErrorShape = 'errorDetail'): Record<string, unknown> {
  const error = write.error == null ? write.error : errorDetailBody(write.error, errorShape);
  return {
    '@odata.type': '#microsoft.graph.connectionOperation',
    ...defined({ id: write.operationId ?? undefined, status: write.status, error }),
  };
}

/** A `$batch` about one connection is in that connection's lane; a mixed one in a lane of its own. */
function batchLane(items: ReadonlyArray<{ read: KeyRead }>): string {
  const first = items[0]!.read.connectionId;
  return items.every(({ read }) => read.connectionId === first) ? laneOf(first) : '$batch';
}

export class ConnectionOperationsApi {
  /** Learned once per upstream: false after `$batch` answered 404, 405 or 501. */
  private batchSupported: boolean;

  constructor(
    private readonly client: UpstreamClient,
    private readonly options: OperationsApiOptions,
  ) {
    this.batchSupported = options.batchMode === 'json';
  }

  private body(write: OperationWrite): Record<string, unknown> {
    return operationBody(write, this.options.errorShape);
  }

  private entityTarget(read: KeyRead): string {
    return operationPath(this.options.connectionsPath, read.connectionId, read.operationId) + formatQuery({ $select: buildSelect(read.properties) });
  }

  private send(
    call: CallContext,
    method: HttpMethod,
    target: string,
    lane: string,
    extra: { body?: unknown; headers?: Record<string, string>; idempotent?: boolean; write?: boolean } = {},
  ): Promise<UpstreamResponse> {
    return this.client.send({
      method,
      target,
      lane,
      headers: extra.headers === undefined ? call.headers : { ...call.headers, ...extra.headers },
      ...(extra.body !== undefined ? { body: extra.body } : {}),
      idempotent: extra.idempotent ?? method === 'GET',
      write: extra.write ?? method !== 'GET',
      deadline: call.deadline,
      ...(call.signal !== undefined ? { signal: call.signal } : {}),
      ...(call.budget !== undefined ? { budget: call.budget } : {}),
    });
  }

  /** Reports an answer about another entity, once, with bounded detail. */
  private reportWrongEntity(error: unknown, connectionId: string, asked: string | undefined): void {
    if (!(error instanceof UpstreamError) || error.wrongEntity === undefined) return;
    const received = error.wrongEntity.received;
    this.options.onWrongEntity?.({
      connectionId: truncated(connectionId)!,
      asked: truncated(asked),
      received: truncated(received),
      kind: asked !== undefined && received !== asked ? 'key' : 'connection',
    });
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

  private async getOne(read: KeyRead, call: CallContext): Promise<ReadResult> {
    try {
      return this.readResult(read, await this.send(call, 'GET', this.entityTarget(read), laneOf(read.connectionId)));
    } catch (error) {
      return error as Error;
    }
  }

  /**
   * Reads many entities by key, results in the order of `reads` (DataLoader's contract). Reads of one entity
   * with different properties are one upstream read of their union. One read is a plain GET; more go as
   * `$batch` posts of at most `batchMax` parts, and without `$batch` as GETs; either way at most
   * `getConcurrency` requests in flight. Never rejects: each read gets its entity, null, or its own error.
   */
  async readMany(reads: readonly KeyRead[], call: CallContext): Promise<ReadResult[]> {
    if (reads.length === 1) return [await this.getOne(reads[0]!, call)];
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
    if (byEntity.size === reads.length) return this.readDistinct(reads, call);
    const entries = [...byEntity.values()];
    const results = await this.readDistinct(
      entries.map(({ read, properties }) => ({ connectionId: read.connectionId, operationId: read.operationId, properties })),
      call,
    );
    const out = new Array<ReadResult>(reads.length);
    entries.forEach((entry, i) => {
      for (const index of entry.indexes) out[index] = results[i]!;
    });
    return out;
  }

  private async readDistinct(reads: readonly KeyRead[], call: CallContext): Promise<ReadResult[]> {
    if (reads.length === 1) return [await this.getOne(reads[0]!, call)];
    if (this.batchSupported) {
      const chunks: KeyRead[][] = [];
      for (let i = 0; i < reads.length; i += this.options.batchMax) chunks.push(reads.slice(i, i + this.options.batchMax));
      // At most getConcurrency posts in flight per GraphQL request: a huge `_entities` call must not
      // open a burst of connections that only earns throttling.
      const results = await mapConcurrently(chunks, this.options.getConcurrency, (chunk) => this.readBatch(chunk, call));
      return results.flat();
    }
    return mapConcurrently(reads, this.options.getConcurrency, (read) => this.getOne(read, call));
  }

  /**
   * One `$batch` of reads. Parts answered 429/502/503/504 are sent again (and only they) after their
   * Retry-After or a backoff, within the retry budget; the rest keep their first answer.
   */
  private async readBatch(reads: readonly KeyRead[], call: CallContext): Promise<ReadResult[]> {
    const results = new Array<ReadResult>(reads.length);
    let pending = reads.map((read, index) => ({ read, index }));
    /** The whole batch failed: every read still pending gets the same error. */
    const failPending = (error: unknown) => {
      for (const { index } of pending) results[index] = error as Error;
      return results;
    };
    for (let attempt = 1; pending.length > 0; attempt++) {
      const parts: BatchPart[] = pending.map(({ read, index }) => ({ id: String(index), method: 'GET', url: `/${this.entityTarget(read)}` }));
      let response: UpstreamResponse;
      try {
        // A $batch of GETs changes nothing: it may be retried, and a lost answer leaves no unknown outcome.
        response = await this.send(call, 'POST', '$batch', batchLane(pending), { body: buildBatchBody(parts), idempotent: true, write: false });
      } catch (error) {
        return failPending(error);
      }
      if (NO_BATCH_STATUSES.has(response.status) && attempt === 1) {
        this.batchSupported = false;
        const fallback = await mapConcurrently(pending, this.options.getConcurrency, ({ read }) => this.getOne(read, call));
        pending.forEach(({ index }, i) => (results[index] = fallback[i]!));
        return results;
      }
      if (response.status !== 200) {
        return failPending(UpstreamError.fromResponse(response.status, response.body, response.headers));
      }
      let answers: Map<string, BatchPartResponse | typeof DUPLICATED>;
      try {
        answers = parseBatchResponse(response.body, new Set(parts.map((p) => p.id)));
      } catch (error) {
        return failPending(error);
      }
      const retry: typeof pending = [];
      let wait = 0;
      for (const item of pending) {
        const answer = answers.get(String(item.index));
        if (answer === undefined) {
          results[item.index] = UpstreamError.malformed(200, response.headers['request-id']);
          continue;
        }
        if (answer === DUPLICATED) {
          results[item.index] = UpstreamError.wrongEntity(undefined);
          this.options.onWrongEntity?.({
            connectionId: truncated(item.read.connectionId)!,
            asked: truncated(item.read.operationId),
            received: undefined,
            kind: 'duplicated part',
          });
          continue;
        }
        const delay = retryDelay(
          { status: answer.status, retryAfter: parseRetryAfter(answer.headers['retry-after']) },
          attempt,
          this.options,
          call.deadline - Date.now(),
        );
        if (answer.status >= 400 && delay !== undefined) {
          retry.push(item);
          wait = Math.max(wait, delay);
        } else {
          results[item.index] = this.readResult(item.read, answer);
        }
      }
      pending = retry;
      if (pending.length > 0) await sleep(wait, call.signal);
    }
    return results;
  }

  /**
   * One page of a connection's operations. An `@odata.nextLink` is followed only when it points at exactly
   * this connection's collection under the service root; any other link is the upstream misbehaving
   * (UPSTREAM_ERROR), and is never sent the caller's credentials.
   */
  async readPage(request: PageRequest, call: CallContext): Promise<OperationPageModel> {
    const collection = operationsPath(this.options.connectionsPath, request.connectionId);
    let target: string;
    if ('link' in request) {
      if (!isLinkToCollection(request.link, this.client.serviceRoot, collection)) throw UpstreamError.malformed(200);
      target = request.link;
    } else {
      target = collection + formatQuery({ ...request.options });
    }
    const response = await this.send(call, 'GET', target, laneOf(request.connectionId));
    if (response.status !== 200) throw UpstreamError.fromResponse(response.status, response.body, response.headers);
    try {
      return parseOperationPage(response.body, request.connectionId);
    } catch (error) {
      this.reportWrongEntity(error, request.connectionId, undefined);
      throw error;
    }
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
