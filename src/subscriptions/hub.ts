/**
 * All the watches of the gateway (Subscription.connectionOperationUpdates), whatever their transport (SSE or
 * WebSocket): it bounds them and shares the polling.
 *
 * - One poller per (connection, operation, caller credentials): subscribers with the same Authorization
 *   header share one, so N watchers of a schema registration cost one upstream GET per poll interval, not N.
 *   Callers with different credentials never share a poll (the upstream may answer them differently), and
 *   the credentials are keyed by a SHA-256 hash: the token itself is only in the poller's request headers,
 *   never a map key or a log field.
 * - Bounds, checked before anything starts: SUBSCRIPTIONS_MAX in total (past it OVERLOADED, with
 *   `retryAfter`) and SUBSCRIPTIONS_PER_CLIENT per client (past it BAD_USER_INPUT), a client being its
 *   credentials, or its address when it sends none. A subscription's life is bounded by SUBSCRIPTION_MAX_MS.
 *   These replace admission control for a subscription over SSE: its HTTP request leaves the admission
 *   count once the watch is accepted (see admission.ts), since it stays open for as long as it watches.
 * - `close()` (server shutdown) ends every watch with OVERLOADED ("subscribe again") and stops every poller.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { GatewayError, badUserInput } from '../errors.js';
import { CallBudget, type BudgetLimits } from '../odata/call-budget.js';
import type { ConnectionOperationsApi } from '../odata/operations.js';
import { OVERLOADED_RETRY_AFTER_SECONDS } from '../odata/slots.js';
import { selectableProperties } from '../odata/query-options.js';
import type { PollTracer } from '../tracing/poll-spans.js';
import { OperationPoller } from './poller.js';
import { OperationWatch } from './watch.js';

export interface SubscriptionLimits {
  /** SUBSCRIPTION_POLL_MS */
  subscriptionPollMs: number;
  /** SUBSCRIPTION_POLL_MAX_MS */
  subscriptionPollMaxMs: number;
  /** SUBSCRIPTIONS_MAX */
  subscriptionsMax: number;
  /** SUBSCRIPTIONS_PER_CLIENT */
  subscriptionsPerClient: number;
  /** SUBSCRIPTION_MAX_MS */
  subscriptionMaxMs: number;
  /** REQUEST_DEADLINE_MS: the bound of one poll, retries included. */
  requestDeadlineMs: number;
}

export interface HubOptions {
  api: ConnectionOperationsApi;
  limits: SubscriptionLimits;
  /** What one poll may spend upstream, like one GraphQL request. */
  budget: BudgetLimits;
  log: Logger;
  /** Traces each poll (tracing on): see tracing/poll-spans.ts. */
  tracePoll?: PollTracer | undefined;
}

/** Who is watching, as far as sharing and bounds are concerned. */
export interface WatchCaller {
  /** The incoming Authorization header, forwarded to the upstream by the caller's poller. */
  authorization: string | undefined;
  /** The caller's address, which counts as the client when there is no Authorization header. */
  remoteAddress: string | undefined;
}

export interface WatchedOperation {
  connectionId: string;
  operationId: string;
}

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

export class SubscriptionHub {
  private readonly pollers = new Map<string, OperationPoller>();
  private readonly perClient = new Map<string, number>();
  private readonly watches = new Set<OperationWatch>();
  private closed = false;

  constructor(private readonly options: HubOptions) {}

  /** Watches open now. */
  get subscriptions(): number {
    return this.watches.size;
  }

  /** Pollers running now (one per watched operation and credentials). */
  get activePollers(): number {
    return this.pollers.size;
  }

  /**
   * Starts a watch, or throws the typed refusal. `accepted` runs once the watch is counted (the SSE request
   * then leaves admission control).
   */
  watch(operation: WatchedOperation, caller: WatchCaller, accepted?: () => void): OperationWatch {
    const { limits } = this.options;
    if (this.closed) throw overloaded('The gateway is shutting down; subscribe again.');
    if (this.watches.size >= limits.subscriptionsMax) {
      throw overloaded(`The gateway has ${limits.subscriptionsMax} subscriptions open (SUBSCRIPTIONS_MAX); retry after ${OVERLOADED_RETRY_AFTER_SECONDS} second(s).`);
    }
    const credentials = caller.authorization === undefined ? undefined : hash(caller.authorization);
    const client = credentials !== undefined ? `credentials:${credentials}` : `address:${caller.remoteAddress ?? 'unknown'}`;
    const open = this.perClient.get(client) ?? 0;
    if (open >= limits.subscriptionsPerClient) {
      throw badUserInput(`This client has ${limits.subscriptionsPerClient} subscriptions open (SUBSCRIPTIONS_PER_CLIENT): end one first.`);
    }

    const key = JSON.stringify([operation.connectionId, operation.operationId, credentials ?? null]);
    let poller = this.pollers.get(key);
    const fresh = poller === undefined;
    if (poller === undefined) {
      poller = this.createPoller(key, operation, caller.authorization);
      this.pollers.set(key, poller);
    }
    const joined = poller;
    this.perClient.set(client, open + 1);
    let lifetime: NodeJS.Timeout | undefined;
    const watch = new OperationWatch((ended) => {
      clearTimeout(lifetime);
      this.watches.delete(ended);
      const count = (this.perClient.get(client) ?? 1) - 1;
      if (count > 0) this.perClient.set(client, count);
      else this.perClient.delete(client);
      joined.leave(ended);
    });
    lifetime = setTimeout(() => {
      watch.push(
        new GatewayError(`The operation did not end within ${limits.subscriptionMaxMs} ms (SUBSCRIPTION_MAX_MS); subscribe again to keep watching.`, {
          code: 'UPSTREAM_TIMEOUT',
        }),
      );
      watch.end();
    }, limits.subscriptionMaxMs);
    lifetime.unref();
    this.watches.add(watch);
    poller.join(watch);
    if (fresh) poller.start();
    accepted?.();
    return watch;
  }

  private createPoller(key: string, operation: WatchedOperation, authorization: string | undefined): OperationPoller {
    const { api, limits, budget, log, tracePoll } = this.options;
    // One id for all the polls of this poller: the upstream's logs tie them together.
    const clientRequestId = randomUUID();
    const headers: Record<string, string> = { 'client-request-id': clientRequestId };
    if (authorization !== undefined) headers.authorization = authorization;
    const properties = new Set(selectableProperties);
    log.debug({ connectionId: operation.connectionId, operationId: operation.operationId, clientRequestId }, 'poller started');
    const poller: OperationPoller = new OperationPoller({
      initialMs: limits.subscriptionPollMs,
      maxMs: limits.subscriptionPollMaxMs,
      read: (departure) => {
        const read = async (sent: Record<string, string>) => {
          const callBudget = new CallBudget(budget);
          callBudget.expectNodes(1);
          const call = { headers: sent, deadline: Date.now() + limits.requestDeadlineMs, departure, budget: callBudget };
          return api.readPolled({ ...operation, properties }, call);
        };
        return tracePoll === undefined ? read(headers) : tracePoll(headers, poller.subscribers, read);
      },
      onStop: () => {
        if (this.pollers.get(key) === poller) this.pollers.delete(key);
        log.debug({ clientRequestId, polls: poller.polls }, 'poller stopped');
      },
    });
    return poller;
  }

  /** Ends every watch (OVERLOADED: subscribe again, to this gateway once it is back or another replica). */
  close(): void {
    this.closed = true;
    const shuttingDown = overloaded('The gateway is shutting down; subscribe again.');
    for (const poller of [...this.pollers.values()]) poller.finish(shuttingDown);
    for (const watch of [...this.watches]) {
      watch.push(shuttingDown);
      watch.end();
    }
  }
}

function overloaded(message: string): GatewayError {
  return new GatewayError(message, { code: 'OVERLOADED', retryAfter: OVERLOADED_RETRY_AFTER_SECONDS });
}
