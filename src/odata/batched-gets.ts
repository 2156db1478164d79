/**
 * Many independent GETs of one GraphQL request sent together: one plain GET alone, more as OData JSON `$batch`
 * posts of at most `batchMax` GET parts (at most `getConcurrency` in flight), and concurrent GETs when the
 * upstream has no `$batch` (learned once: 404, 405 or 501). Parts answered 429/502/503/504 are sent again,
 * and only they, after their Retry-After or a backoff. Each GET gets its own answer or its own error; what an
 * answer means (an entity, a page) is the caller's business. Used for external connections by key and for the
 * operations pages of many connections.
 */
import type { BatchMode } from '../config.js';
import { DUPLICATED, buildBatchBody, parseBatchResponse, type BatchPart, type BatchPartResponse } from './batch.js';
import type { UpstreamClient, UpstreamResponse } from './client.js';
import { mapConcurrently, sleep } from './concurrency.js';
import { UpstreamError, isThrottling, parseRetryAfter } from './errors.js';
import { callRequest, type CallContext } from './operations.js';
import { retryDelay, type RetrySettings } from './retry-policy.js';

/** One GET: a path and query relative to the service root, and the lane (slots.ts) it belongs to. */
export interface GetRequest {
  target: string;
  lane: string;
  /** A read by key (default) or a collection page: what a plain GET of it counts as (observer.ts). */
  kind?: 'get' | 'list';
}

/** An answer (any status), or the error that left the GET without one (a part answered twice included). */
export type GetResult = BatchPartResponse | UpstreamResponse | Error;

export interface BatchedGetsOptions extends RetrySettings {
  batchMax: number;
  batchMode: BatchMode;
  getConcurrency: number;
}

/** Statuses with which an upstream says it has no `$batch`. */
const NO_BATCH_STATUSES: ReadonlySet<number> = new Set([404, 405, 501]);

export class BatchedGets {
  /** Learned once per upstream: false after `$batch` answered 404, 405 or 501. */
  private batchSupported: boolean;

  constructor(
    private readonly client: UpstreamClient,
    private readonly options: BatchedGetsOptions,
  ) {
    this.batchSupported = options.batchMode === 'json';
  }

  private async get(request: GetRequest, call: CallContext): Promise<GetResult> {
    try {
      return await this.client.send(callRequest(call, { method: 'GET', target: request.target, lane: request.lane, idempotent: true, write: false, kind: request.kind }));
    } catch (error) {
      return error as Error;
    }
  }

  /** The answers to `requests`, in their order. Never rejects. */
  async getMany(requests: readonly GetRequest[], call: CallContext): Promise<GetResult[]> {
    if (requests.length === 1) return [await this.get(requests[0]!, call)];
    if (!this.batchSupported) return mapConcurrently(requests, this.options.getConcurrency, (request) => this.get(request, call));
    const chunks: GetRequest[][] = [];
    for (let i = 0; i < requests.length; i += this.options.batchMax) chunks.push(requests.slice(i, i + this.options.batchMax));
    const results = await mapConcurrently(chunks, this.options.getConcurrency, (chunk) => this.batch(chunk, call));
    return results.flat();
  }

  private async batch(requests: readonly GetRequest[], call: CallContext): Promise<GetResult[]> {
    const results = new Array<GetResult>(requests.length);
    let pending = requests.map((request, index) => ({ request, index }));
    const failPending = (error: unknown) => {
      for (const { index } of pending) results[index] = error as Error;
      return results;
    };
    const lane = requests.every((r) => r.lane === requests[0]!.lane) ? requests[0]!.lane : '$batch';
    const observer = this.client.observer;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const parts: BatchPart[] = pending.map(({ request, index }) => ({ id: String(index), method: 'GET', url: `/${request.target}` }));
      let response: UpstreamResponse;
      try {
        // A $batch of GETs changes nothing: it may be retried, and a lost answer leaves no unknown outcome.
        observer.batchSent(parts.length);
        response = await this.client.send(callRequest(call, { method: 'POST', target: '$batch', lane, body: buildBatchBody(parts), idempotent: true, write: false, kind: 'batch' }));
      } catch (error) {
        return failPending(error);
      }
      if (NO_BATCH_STATUSES.has(response.status) && attempt === 1) {
        this.batchSupported = false;
        const fallback = await mapConcurrently(pending, this.options.getConcurrency, ({ request }) => this.get(request, call));
        pending.forEach(({ index }, i) => (results[index] = fallback[i]!));
        return results;
      }
      if (response.status !== 200) return failPending(UpstreamError.fromResponse(response.status, response.body, response.headers));
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
        if (answer === undefined) results[item.index] = UpstreamError.malformed(200, response.headers['request-id']);
        // Answered twice: which answer belongs to the part cannot be known.
        else if (answer === DUPLICATED) results[item.index] = UpstreamError.wrongEntity(undefined, true);
        else {
          observer.batchPartAnswered(answer.status);
          const retryAfter = parseRetryAfter(answer.headers['retry-after']);
          if (isThrottling(answer.status, retryAfter)) observer.throttled(retryAfter);
          const delay = retryDelay({ status: answer.status, retryAfter }, attempt, this.options, call.deadline - Date.now());
          if (answer.status >= 400 && delay !== undefined) {
            retry.push(item);
            wait = Math.max(wait, delay);
          } else results[item.index] = answer;
        }
      }
      pending = retry;
      if (pending.length > 0) {
        observer.retried('batch', pending.length);
        await sleep(wait, call.departure);
      }
    }
    return results;
  }
}
