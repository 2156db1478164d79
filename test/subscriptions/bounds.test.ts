/**
 * What bounds subscriptions: SUBSCRIPTIONS_PER_CLIENT and SUBSCRIPTIONS_MAX (typed refusals), a throttled
 * answer's Retry-After, SUBSCRIPTION_MAX_MS, admission control (an SSE subscription does not keep its
 * place), WebSocket serving subscriptions only, and shutdown ending every subscription and poller.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Client as WsClient } from 'graphql-ws';
import type { GatewayConfig } from '../../src/config.js';
import { startStack, type Stack } from '../support/stack.js';
import { ended, pause, until, watchOverSse, watchOverWs, wsClient, type Watching } from '../support/subscription-clients.js';

const POLL_MS = 50;

describe('subscription bounds', () => {
  let stack: Stack | undefined;
  const clients: WsClient[] = [];
  const watchers: Watching[] = [];
  afterEach(async () => {
    for (const w of watchers.splice(0)) w.leave();
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await stack?.close();
    stack = undefined;
  });

  async function start(config: Partial<GatewayConfig> = {}): Promise<Stack> {
    stack = await startStack({ config: { subscriptionPollMs: POLL_MS, subscriptionPollMaxMs: POLL_MS, ...config } });
    stack.upstream.store.putOperation('c1', { id: 'op', status: 'inprogress' });
    return stack;
  }
  const sse = (s: Stack, headers: Record<string, string> = {}) => {
    const w = watchOverSse(s.url, { connectionId: 'c1', operationId: 'op' }, headers);
    watchers.push(w);
    return w;
  };

  it('refuses one subscription past SUBSCRIPTIONS_PER_CLIENT with BAD_USER_INPUT, counting per credentials', async () => {
    const s = await start({ subscriptionsPerClient: 2 });
    const ws = wsClient(s.url, 'Bearer one');
    clients.push(ws);
    const open = [sse(s, { authorization: 'Bearer one' }), watchOverWs(ws, { connectionId: 'c1', operationId: 'op' })];
    watchers.push(open[1]!);
    await until(() => open.every((w) => w.states.length === 1));
    const third = sse(s, { authorization: 'Bearer one' });
    await ended(third);
    expect(third.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    // Another client is not affected, and a place is free again once one leaves.
    const other = sse(s, { authorization: 'Bearer two' });
    await until(() => other.states.length === 1);
    open[0]!.leave();
    await until(() => s.gateway.subscriptions.subscriptions === 2);
    const again = sse(s, { authorization: 'Bearer one' });
    await until(() => again.states.length === 1);
  });

  it('refuses one subscription past SUBSCRIPTIONS_MAX with OVERLOADED and retryAfter', async () => {
    const s = await start({ subscriptionsMax: 3 });
    const open = [sse(s, { authorization: 'a' }), sse(s, { authorization: 'b' }), sse(s, { authorization: 'c' })];
    await until(() => open.every((w) => w.states.length === 1));
    const ws = wsClient(s.url, 'd');
    clients.push(ws);
    const refused = [sse(s, { authorization: 'e' }), watchOverWs(ws, { connectionId: 'c1', operationId: 'op' })];
    await Promise.all(refused.map((w) => ended(w)));
    for (const w of refused) expect(w.errors.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'OVERLOADED', retryAfter: 1 })]);
  });

  it('honours the Retry-After of a throttled poll before polling again', async () => {
    const s = await start({ retryMax: 0 });
    s.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 1 }, match: { method: 'GET', path: '/connections/c1/operations/op' } });
    const started = Date.now();
    const w = sse(s);
    await until(() => w.states.length === 1, 4000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(s.httpRequests().filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(w.errors).toEqual([]);
  });

  it('ends a subscription after SUBSCRIPTION_MAX_MS with UPSTREAM_TIMEOUT, and stops its poller', async () => {
    const s = await start({ subscriptionMaxMs: 300 });
    const w = sse(s);
    await ended(w);
    expect(w.states).toHaveLength(1);
    expect(w.errors.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
    await until(() => s.gateway.subscriptions.activePollers === 0);
  });

  it('gives an SSE subscription’s admission place back once it is accepted: queries still get in', async () => {
    const s = await start({ maxConcurrentRequests: 2 });
    const open = [sse(s, { authorization: 'a' }), sse(s, { authorization: 'b' }), sse(s, { authorization: 'c' })];
    await until(() => open.every((w) => w.states.length === 1));
    expect(s.gateway.admission.active).toBe(0);
    const read = await s.gql('{ connectionOperation(connectionId: "c1", operationId: "op") { status } }');
    expect(read.data).toEqual({ connectionOperation: { status: 'IN_PROGRESS' } });
  });

  it('serves only subscriptions over WebSocket', async () => {
    const s = await start();
    const ws = wsClient(s.url);
    clients.push(ws);
    const errors: unknown[] = [];
    await new Promise<void>((resolve) =>
      ws.subscribe({ query: '{ connectionOperation(connectionId: "c1", operationId: "op") { status } }' }, { next: () => undefined, error: (e) => (errors.push(e), resolve()), complete: resolve }),
    );
    expect(errors).toEqual([[expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]]);
    expect(s.httpRequests()).toEqual([]);
  });

  it('shutdown ends every subscription (OVERLOADED: subscribe again) and every poller', async () => {
    const s = await start();
    const ws = wsClient(s.url);
    clients.push(ws);
    const open = [sse(s), watchOverWs(ws, { connectionId: 'c1', operationId: 'op' })];
    await until(() => open.every((w) => w.states.length === 1));
    const closing = s.close();
    stack = undefined;
    await Promise.all(open.map((w) => ended(w)));
    await closing;
    expect(open[0]!.errors.map((e) => e.extensions?.code)).toEqual(['OVERLOADED']);
    expect(s.gateway.subscriptions.activePollers).toBe(0);
    expect(s.gateway.subscriptions.subscriptions).toBe(0);
    const gets = s.httpRequests().length;
    await pause(POLL_MS * 4);
    expect(s.httpRequests().length).toBe(gets);
  });
});
