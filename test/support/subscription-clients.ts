/**
 * Real subscription clients over loopback, for the subscription tests: `graphql-sse` in distinct connections
 * mode (one SSE request per subscription) and `graphql-ws`, both recording what they receive.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

export const WATCH = `subscription Watch($connectionId: ID!, $operationId: ID!) {
  connectionOperationUpdates(connectionId: $connectionId, operationId: $operationId) { id operationId status etag error { errorCode message } }
}`;

export interface State {
  operationId: string;
  status: string | null;
  etag: string | null;
  error: { errorCode: string | null; message: string | null } | null;
}

export interface Watching {
  states: State[];
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** A transport failure (not a GraphQL error), when one happened. */
  failure: unknown;
  completed: boolean;
  /** Resolves when the subscription completed or failed. */
  ended: Promise<void>;
  /** Leaves (the client unsubscribes). */
  leave(): void;
}

type Sink = { next(value: { data?: unknown; errors?: readonly unknown[] }): void; error(error: unknown): void; complete(): void };

function recorder(): { watching: Omit<Watching, 'leave'>; sink: Sink } {
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  const watching: Omit<Watching, 'leave'> = { states: [], errors: [], failure: undefined, completed: false, ended };
  const sink: Sink = {
    next(value) {
      const data = value.data as { connectionOperationUpdates?: State } | null | undefined;
      if (data?.connectionOperationUpdates) watching.states.push(data.connectionOperationUpdates);
      for (const error of value.errors ?? []) watching.errors.push(error as Watching['errors'][number]);
    },
    error(error) {
      watching.failure = error;
      done();
    },
    complete() {
      watching.completed = true;
      done();
    },
  };
  return { watching, sink };
}

/** One subscription over GraphQL over SSE (its own HTTP request). */
export function watchOverSse(gatewayUrl: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Watching {
  const client = createSseClient({ url: `${gatewayUrl}/graphql`, headers, retryAttempts: 0 });
  const { watching, sink } = recorder();
  const leave = client.subscribe({ query: WATCH, variables }, sink);
  return Object.assign(watching, {
    leave: () => {
      leave();
      client.dispose();
    },
  });
}

/** A graphql-ws client (one socket, opened on first use); `authorization` goes in connection_init. */
export function wsClient(gatewayUrl: string, authorization?: string): WsClient {
  return createWsClient({
    url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    ...(authorization !== undefined ? { connectionParams: { authorization } } : {}),
  });
}

/** One subscription over a graphql-ws client's socket. */
export function watchOverWs(client: WsClient, variables: Record<string, unknown>): Watching {
  const { watching, sink } = recorder();
  const leave = client.subscribe({ query: WATCH, variables }, sink);
  return Object.assign(watching, { leave });
}

export async function until(condition: () => boolean, timeoutMs = 4000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a subscription to end, failing the test (rather than hanging it) past `timeoutMs`. */
export async function ended(watching: Watching, timeoutMs = 4000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the subscription did not end within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([watching.ended, late]);
  } finally {
    clearTimeout(timer);
  }
}
