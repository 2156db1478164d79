/**
 * The per-GraphQL-request context: the request's operations object (forwarded headers, deadline, loader,
 * paging), its request id and logger. It is built for every request, so it stays small. Everything shared
 * across requests (the upstream client and API, the cursor key) holds no caller data.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { CallBudget, type BudgetLimits } from './odata/call-budget.js';
import type { CallContext } from './odata/operations.js';
import { RequestConnections, type ConnectionsShared } from './operations/request-connections.js';
import { RequestOperations, type OperationsShared, type OperationKey } from './operations/request-operations.js';
import type { CallerRequest } from './http/caller.js';
import type { Departure } from './odata/departure.js';
import type { SubscriptionHub } from './subscriptions/hub.js';
import type { OperationWatch } from './subscriptions/watch.js';

export interface GatewayContext {
  operations: RequestOperations;
  /** External connections: by key, pages, and their operations pages read together. */
  connections: RequestConnections;
  /** Hears of each upstream enum member the gateway does not know. */
  onUnknownStatus(member: string): void;
  /** Likewise for connectionState members. */
  onUnknownState(member: string): void;
  /** Likewise for a schema property's propertyType and label members. */
  onUnknownPropertyType(member: string): void;
  onUnknownLabel(member: string): void;
  /** The request's logger (with its clientRequestId), made on first use. */
  logger(): Logger;
  /** The id sent upstream as client-request-id. */
  clientRequestId: string;
  /** What the request has spent upstream so far (attempts, bytes, time), for its log line. */
  upstream: Pick<CallBudget, 'requestsMade' | 'upstreamMs' | 'expectNodes'>;
  /**
   * The headers sent upstream with each of this request's calls (client-request-id, authorization). Tracing
   * puts the operation span's `traceparent` here; the upstream attempt's span replaces it per attempt.
   */
  upstreamHeaders: Record<string, string>;
  /** Starts watching an operation for Subscription.connectionOperationUpdates, or throws the typed refusal. */
  watchOperation(key: OperationKey): OperationWatch;
}

/** What the transport knows of the caller beyond the Fetch Request (node:http SSE, or a WebSocket). */
export interface CallerConnection {
  remoteAddress?: string | undefined;
  /** The request becomes a long-lived subscription: give back its admission place. */
  becameLongLived?(): void;
}

export interface SharedState {
  operations: OperationsShared;
  connections: ConnectionsShared;
  onUnknownState(member: string): void;
  requestDeadlineMs: number;
  budget: BudgetLimits;
  onUnknownStatus(member: string): void;
  onUnknownPropertyType(member: string): void;
  onUnknownLabel(member: string): void;
  log: Logger;
  subscriptions: SubscriptionHub;
}

/**
 * The call context of a GraphQL request. Its departure is the caller's, asked for on the first upstream
 * call: a request that calls no upstream makes none (and no 'close' listener).
 */
class RequestCall implements CallContext {
  private departed: Departure | undefined;

  constructor(
    readonly headers: Record<string, string>,
    readonly deadline: number,
    readonly budget: CallBudget,
    private readonly caller: CallerRequest,
  ) {}

  get departure(): Departure {
    return (this.departed ??= this.caller.departure());
  }
}

/** A client-request-id is forwarded only when it is short, printable ASCII: it goes into a header. */
const SAFE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's client-request-id when it is safe to forward and log; undefined otherwise. */
export function callerRequestId(incoming: string | string[] | null | undefined): string | undefined {
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : undefined;
}

export function createContext(shared: SharedState, request: CallerRequest, connection?: CallerConnection): GatewayContext {
  const clientRequestId = callerRequestId(request.headers.get('client-request-id')) ?? randomUUID();
  const headers: Record<string, string> = { 'client-request-id': clientRequestId };
  const authorization = request.headers.get('authorization');
  if (authorization !== null) headers.authorization = authorization;

  // The deadline bounds every upstream attempt and every wait (see UpstreamClient.send), each with its own
  // timer; the caller's departure (the client went away) stops its pending reads. No per-request timer is
  // needed, which keeps requests that make no upstream call cheap.
  const call = new RequestCall(headers, Date.now() + shared.requestDeadlineMs, new CallBudget(shared.budget), request);
  let log: Logger | undefined;
  const operations = new RequestOperations(shared.operations, call);
  return {
    operations,
    connections: new RequestConnections(shared.connections, operations, call),
    onUnknownStatus: shared.onUnknownStatus,
    onUnknownState: shared.onUnknownState,
    onUnknownPropertyType: shared.onUnknownPropertyType,
    onUnknownLabel: shared.onUnknownLabel,
    clientRequestId,
    upstream: call.budget,
    upstreamHeaders: headers,
    // A child logger costs an object and a serializer setup: made only when something is logged. (A method,
    // not a getter: envelop spreads the context, which would run a getter for every request.)
    logger: () => (log ??= shared.log.child({ clientRequestId })),
    watchOperation: (key) =>
      shared.subscriptions.watch(key, { authorization: authorization ?? undefined, remoteAddress: connection?.remoteAddress }, connection?.becameLongLived),
  };
}
