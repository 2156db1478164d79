/**
 * The per-GraphQL-request context: the caller's forwarded headers, the request's deadline, and a fresh
 * loader. It is built for every request, so it stays small. Everything shared across requests (the
 * upstream client and API) holds no caller data.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConnectionsPath } from './config.js';
import type { CallContext, ConnectionOperationsApi } from './odata/operations.js';
import { OperationLoader } from './operation-loader.js';

export interface GatewayContext {
  api: ConnectionOperationsApi;
  loader: OperationLoader;
  call: CallContext;
  /** Used to check paging cursors. */
  serviceRoot: string;
  connectionsPath: ConnectionsPath;
  /** Hears of each upstream enum member the gateway does not know. */
  onUnknownStatus(member: string): void;
  /** The request's logger (with its clientRequestId), made on first use. */
  logger(): Logger;
  /** The id sent upstream as client-request-id. */
  clientRequestId: string;
}

export interface SharedState {
  api: ConnectionOperationsApi;
  serviceRoot: string;
  connectionsPath: ConnectionsPath;
  requestDeadlineMs: number;
  onUnknownStatus(member: string): void;
  log: Logger;
}

/** A client-request-id is forwarded only when it is short, printable ASCII: it goes into a header. */
const SAFE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function createContext(shared: SharedState, request: Request): GatewayContext {
  const incoming = request.headers.get('client-request-id');
  const clientRequestId = incoming !== null && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  const headers: Record<string, string> = { 'client-request-id': clientRequestId };
  const authorization = request.headers.get('authorization');
  if (authorization !== null) headers.authorization = authorization;

  // The deadline bounds every upstream call's timeout and every retry wait (see UpstreamClient.send);
  // no per-request timer or AbortSignal is needed for that, which keeps the hot path cheap.
  const call: CallContext = { headers, deadline: Date.now() + shared.requestDeadlineMs };
  let log: Logger | undefined;
  return {
    api: shared.api,
    loader: new OperationLoader(shared.api, call),
    call,
    serviceRoot: shared.serviceRoot,
    connectionsPath: shared.connectionsPath,
    onUnknownStatus: shared.onUnknownStatus,
    clientRequestId,
    // A child logger costs an object and a serializer setup: made only when something is logged. (A method,
    // not a getter: envelop spreads the context, which would run a getter for every request.)
    logger: () => (log ??= shared.log.child({ clientRequestId })),
  };
}
