/**
 * The graphql-ws protocol (GraphQL over WebSocket) on the gateway's node:http server, at the GraphQL
 * endpoint. Operations run through yoga's envelop (`yoga.getEnveloped`), so the document limits, masking
 * and the context (forwarded credentials, client-request-id) are the same as over HTTP.
 *
 * Only subscriptions are served here: queries and mutations go over HTTP, where admission control and the
 * HTTP guards apply (an operation of another type is refused with BAD_USER_INPUT). Bounds: a message is at
 * most MAX_BODY_BYTES; sockets are at most SUBSCRIPTIONS_MAX (one more is closed with 1013 "try again
 * later"); subscriptions are bounded by the hub (in total and per client, whatever the socket); graphql-ws
 * closes a socket that does not initialise within 3 s, and pings every 12 s.
 *
 * Credentials: browsers cannot set headers on a WebSocket, so an `authorization` (or `Authorization`) in
 * the connection_init payload is used, else the upgrade request's Authorization header.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, getOperationAST, type ExecutionArgs } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Gateway } from '../gateway.js';
import type { RequestRecord } from '../telemetry/request-record.js';

/** The socket's close code for "try again later" (RFC 6455 registry). */
const TRY_AGAIN_LATER = 1013;
/** Going away: the server is shutting down. */
const GOING_AWAY = 1001;
/** How long a client has to answer the closing handshake at shutdown. */
const CLOSE_HANDSHAKE_MS = 1000;

/** The enveloped functions, carried to `execute`/`subscribe` in the root value (yoga's documented pattern). */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function connectionAuthorization(payload: Record<string, unknown> | undefined): string | undefined {
  const value = payload?.authorization ?? payload?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

export interface WebSocketEndpoint {
  /** Takes an upgrade request of the HTTP server (its 'upgrade' event). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket (1001) and the WebSocket server. */
  close(): Promise<void>;
}

export function serveWebSocket(gateway: Gateway): WebSocketEndpoint {
  const { yoga, config, telemetry } = gateway;
  // The record of each operation in progress (metrics, log line, span), by socket and operation id.
  const records = new WeakMap<object, Map<string, RequestRecord>>();
  const recordOf = (ctx: object, id: string) => records.get(ctx)?.get(id);
  const endRecord = (ctx: object, id: string) => {
    const record = recordOf(ctx, id);
    if (record === undefined) return;
    records.get(ctx)!.delete(id);
    telemetry.end(record);
  };
  // Upgrades are handed over (handleUpgrade) rather than taken with ws's `server` option, which also re-emits
  // every 'error' of the HTTP server on the WebSocket server, where graphql-ws listens only once: the first
  // failed accept() would close every WebSocket with 1011, the second would end the process (server.ts logs them).
  const wss = new WebSocketServer({ noServer: true, path: yoga.graphqlEndpoint, maxPayload: config.maxBodyBytes });
  // Aborted when its socket closes: the context's signal, so upstream reads of its operations stop.
  const closedSignals = new WeakMap<WebSocket, AbortController>();
  wss.on('connection', (socket) => {
    if (wss.clients.size > config.subscriptionsMax) {
      socket.close(TRY_AGAIN_LATER, 'Too many WebSocket connections');
      return;
    }
    const controller = new AbortController();
    closedSignals.set(socket, controller);
    socket.once('close', () => controller.abort());
  });

  /** The execution arguments of a subscribe message, or the errors that refuse it. */
  const prepare = async (ctx: Context<Record<string, unknown> | undefined, Extra>, payload: SubscribePayload, record: RequestRecord | undefined): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const upgrade = ctx.extra.request;
    const headers = new Headers();
    const authorization = connectionAuthorization(ctx.connectionParams) ?? upgrade.headers.authorization;
    if (authorization !== undefined) headers.set('authorization', authorization);
    const requestId = upgrade.headers['client-request-id'];
    if (typeof requestId === 'string') headers.set('client-request-id', requestId);
    const signal = closedSignals.get(ctx.extra.socket)?.signal;
    const request = new Request(`http://${upgrade.headers.host ?? 'localhost'}${yoga.graphqlEndpoint}`, { headers, ...(signal ? { signal } : {}) });
    const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
      request,
      req: upgrade,
      params: payload,
    });
    let document;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : refusal('The document does not parse.')];
    }
    if (record !== undefined) record.document = document;
    const errors = validate(schema, document);
    if (errors.length > 0) return errors;
    const operation = record?.operation() ?? getOperationAST(document, payload.operationName ?? undefined);
    if (operation?.operation !== 'subscription') {
      return [refusal('Only subscriptions are served over WebSocket: send queries and mutations over HTTP.')];
    }
    const contextValue = await contextFactory();
    if (record !== undefined) telemetry.contextCreated(record, contextValue);
    return {
      schema,
      document,
      operationName: payload.operationName ?? null,
      variableValues: payload.variables ?? null,
      contextValue,
      rootValue: { execute, subscribe } satisfies EnvelopedRoot,
    };
  };

  useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, id, payload) => {
        let record: RequestRecord | undefined;
        if (telemetry.enabled) {
          record = telemetry.start('websocket', ctx.extra.request.headers);
          record.operationName = payload.operationName;
          let open = records.get(ctx);
          if (open === undefined) records.set(ctx, (open = new Map()));
          open.set(id, record);
        }
        try {
          const prepared = await prepare(ctx, payload, record);
          // Refused: graphql-ws sends the errors and never calls onComplete for it.
          if (Array.isArray(prepared)) {
            if (record !== undefined) record.result = { errors: prepared };
            endRecord(ctx, id);
          }
          return prepared;
        } catch (error) {
          // graphql-ws closes the socket; the operation is over.
          endRecord(ctx, id);
          throw error;
        }
      },
      onOperation: (ctx, id, _payload, _args, result) => {
        recordOf(ctx, id)?.answered(result);
      },
      onNext: (ctx, id, _payload, _args, result) => {
        recordOf(ctx, id)?.answeredInStream(result);
      },
      onError: (ctx, id, _payload, errors) => {
        const record = recordOf(ctx, id);
        if (record !== undefined) record.result = { errors };
      },
      // After the stream ended (completed, failed, or returned because the client or its socket left).
      onComplete: (ctx, id) => endRecord(ctx, id),
    },
    wss,
  );

  return {
    handleUpgrade(request, socket, head) {
      // ws answers another path (400) or a closed server (503) itself.
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close() {
      for (const socket of wss.clients) socket.close(GOING_AWAY, 'The gateway is shutting down');
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      // A client that does not answer the closing handshake is cut off rather than waited for (ws's own
      // wait is 30 s).
      const cutOff = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, CLOSE_HANDSHAKE_MS);
      return closed.finally(() => clearTimeout(cutOff));
    },
  };
}
