/**
 * The clients' HTTP side: one undici Pool to the gateway with a connection per client (so no request ever
 * waits inside the client for a socket, and what is measured is the gateway), a timeout per request from
 * the moment it is sent (far past the gateway's deadline: an answer that never comes is a hang), and the
 * caller's signal for clients that leave (abort at the end of the load).
 *
 * The timeout is the client's own timer, not undici's `headersTimeout`: that one starts only once the
 * body is written, and a gateway that stops reading its sockets keeps a 10 KB body from being written.
 *
 * Every exchange ends in one of four kinds and carries its latency, so nothing is lost from the counts.
 */
import { connect, type Socket } from 'node:net';
import { type buildConnector, Pool } from 'undici';

export type Exchange =
  /** The gateway answered (any status): the body is left to the classifier. */
  | { kind: 'answer'; status: number; retryAfter: string | undefined; body: string; ms: number }
  /** The caller aborted it (the client left); `ms` is how long it had been waiting. */
  | { kind: 'left'; ms: number }
  /** No complete answer within the client timeout (counted from the send). */
  | { kind: 'hang'; ms: number }
  /** The connection failed. */
  | { kind: 'transport'; message: string; ms: number };

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
} as const;

export class GatewayClient {
  private readonly pool: Pool;
  /**
   * Every socket the pool opened, connecting ones included: a gateway that stops accepting leaves connects
   * pending (the kernel retries the SYN for a long while), and undici's destroy() does not end those, so
   * the process could not exit.
   */
  private readonly sockets = new Set<Socket>();

  /**
   * @param gatewayUrl `http://host:port` of the gateway.
   * @param connections sockets kept to it: at least one per client.
   * @param timeoutMs the client's patience, per request.
   */
  constructor(gatewayUrl: string, connections: number, readonly timeoutMs: number) {
    this.pool = new Pool(new URL(gatewayUrl).origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, connect: this.connector(timeoutMs) });
  }

  /** Plain TCP connects (loopback, no TLS) that are tracked until closed, with a connect timeout. */
  private connector(timeoutMs: number): buildConnector.connector {
    return (options, callback) => {
      const socket = connect({ host: options.hostname, port: Number(options.port) });
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      let settled = false;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', settle);
        if (error) callback(error, null);
        else {
          socket.setNoDelay(true);
          callback(null, socket);
        }
      };
      const timer = setTimeout(() => socket.destroy(new Error(`connect timeout after ${timeoutMs} ms`)), timeoutMs);
      socket.once('connect', () => settle());
      socket.once('error', settle);
    };
  }

  /**
   * Opens up to `count` connections before the load (a cheap GET /health on each, all at once), so the
   * measured run starts with warm keep-alive sockets instead of 2000 connects racing the listen backlog.
   * Resolves with the number that failed.
   */
  async warm(count: number): Promise<number> {
    const results = await Promise.all(
      Array.from({ length: count }, async () => {
        try {
          const response = await this.pool.request({ path: '/health', method: 'GET' });
          await response.body.dump();
          return response.statusCode === 200;
        } catch {
          return false;
        }
      }),
    );
    return results.filter((ok) => !ok).length;
  }

  /** POSTs a GraphQL body to /graphql; `leave` aborts it as its client leaving. */
  async post(body: string, leave?: AbortSignal, headers: Readonly<Record<string, string>> = {}): Promise<Exchange> {
    const started = performance.now();
    const abort = new AbortController();
    // Which came first, and when: the age of an aborted request is taken at the abort, not when the
    // rejection is handled (2000 clients leaving at once take a while to unwind).
    let outcome: { kind: 'hang' | 'left'; ms: number } | undefined;
    const stop = (kind: 'hang' | 'left'): void => {
      outcome ??= { kind, ms: performance.now() - started };
      abort.abort();
    };
    const timer = setTimeout(() => stop('hang'), this.timeoutMs);
    const onLeave = (): void => stop('left');
    if (leave?.aborted) onLeave();
    leave?.addEventListener('abort', onLeave, { once: true });
    try {
      const response = await this.pool.request({ path: '/graphql', method: 'POST', headers: { ...HEADERS, ...headers }, body, signal: abort.signal });
      const text = await response.body.text();
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'answer',
        status: response.statusCode,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
        body: text,
        ms: performance.now() - started,
      };
    } catch (error) {
      if (outcome !== undefined) return outcome;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { kind: 'transport', message, ms: performance.now() - started };
    } finally {
      clearTimeout(timer);
      leave?.removeEventListener('abort', onLeave);
    }
  }

  /** Drops every socket, connecting ones included: after the load nothing of it may stay in flight. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy(new Error('the test is over'));
    await this.pool.destroy();
  }
}
