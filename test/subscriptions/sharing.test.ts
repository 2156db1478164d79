/**
 * One poller per (connection, operation, credentials): many subscribers of one operation cost one upstream
 * GET per poll interval, callers with different credentials never share a poll nor see each other's data,
 * and polling stops when the last subscriber leaves. Counted on what the upstream received.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Client as WsClient } from 'graphql-ws';
import { startStack, type Stack } from '../support/stack.js';
import { ended, pause, until, watchOverSse, watchOverWs, wsClient, type Watching } from '../support/subscription-clients.js';

const POLL_MS = 100;

describe('subscribers share pollers', () => {
  let stack: Stack | undefined;
  const clients: WsClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await stack?.close();
    stack = undefined;
  });

  const getsOf = (s: Stack, operationId: string) =>
    s.httpRequests().filter((r) => r.method === 'GET' && decodeURIComponent(r.path).endsWith(`/operations/${operationId}`));

  it('10 subscribers over both transports cause one poller: about one GET per poll interval, and none after the last leaves', async () => {
    stack = await startStack({ config: { subscriptionPollMs: POLL_MS, subscriptionPollMaxMs: POLL_MS } });
    const s = stack;
    s.upstream.store.putOperation('c1', { id: 'shared', status: 'inprogress' });
    const ws = wsClient(s.url);
    clients.push(ws);
    const watchers: Watching[] = [];
    for (let i = 0; i < 5; i++) watchers.push(watchOverSse(s.url, { connectionId: 'c1', operationId: 'shared' }));
    for (let i = 0; i < 5; i++) watchers.push(watchOverWs(ws, { connectionId: 'c1', operationId: 'shared' }));
    await until(() => watchers.every((w) => w.states.length === 1), 4000, 'every first state');
    expect(s.gateway.subscriptions.subscriptions).toBe(10);
    expect(s.gateway.subscriptions.activePollers).toBe(1);

    const before = getsOf(s, 'shared').length;
    const windowMs = POLL_MS * 10;
    await pause(windowMs);
    const polled = getsOf(s, 'shared').length - before;
    // One poller: about windowMs / (POLL_MS less up to a fifth of jitter) polls, never 10 times that.
    expect(polled).toBeGreaterThanOrEqual(5);
    expect(polled).toBeLessThanOrEqual(14);

    // A change reaches every subscriber once.
    s.upstream.store.putOperation('c1', { id: 'shared', status: 'inprogress' });
    await until(() => watchers.every((w) => w.states.length === 2), 4000, 'every second state');

    for (const w of watchers.slice(0, 9)) w.leave();
    await until(() => s.gateway.subscriptions.subscriptions === 1);
    expect(s.gateway.subscriptions.activePollers).toBe(1);
    watchers[9]!.leave();
    await until(() => s.gateway.subscriptions.activePollers === 0 && s.gateway.subscriptions.subscriptions === 0);
    const atLeave = getsOf(s, 'shared').length;
    await pause(POLL_MS * 5);
    expect(getsOf(s, 'shared').length).toBe(atLeave);
    expect(watchers.every((w) => w.errors.length === 0 && w.failure === undefined)).toBe(true);
  });

  it('two Authorization headers cause two pollers, each forwarding its own, with no cross-delivery', async () => {
    stack = await startStack({ service: { tenancy: true }, config: { subscriptionPollMs: POLL_MS, subscriptionPollMaxMs: POLL_MS } });
    const s = stack;
    s.upstream.store.putOperation('c1', { id: 'op', status: 'inprogress', error: { errorCode: 'alice', message: null, details: [] } }, 'alice');
    s.upstream.store.putOperation('c1', { id: 'op', status: 'unspecified', error: { errorCode: 'bob', message: null, details: [] } }, 'bob');
    const ws = wsClient(s.url, 'Bearer bob');
    clients.push(ws);
    const alice = [watchOverSse(s.url, { connectionId: 'c1', operationId: 'op' }, { authorization: 'Bearer alice' }), watchOverSse(s.url, { connectionId: 'c1', operationId: 'op' }, { authorization: 'Bearer alice' })];
    const bob = [watchOverWs(ws, { connectionId: 'c1', operationId: 'op' }), watchOverSse(s.url, { connectionId: 'c1', operationId: 'op' }, { authorization: 'Bearer bob' })];
    await until(() => [...alice, ...bob].every((w) => w.states.length === 1), 4000, 'first states');
    expect(s.gateway.subscriptions.activePollers).toBe(2);
    expect(alice.map((w) => w.states[0]!.error?.errorCode)).toEqual(['alice', 'alice']);
    expect(bob.map((w) => w.states[0]!.error?.errorCode)).toEqual(['bob', 'bob']);

    s.upstream.store.updateOperation('c1', 'op', { status: 'completed' }, 'alice');
    await Promise.all(alice.map((w) => ended(w)));
    await pause(POLL_MS * 3);
    // Bob saw none of Alice's change, and still watches.
    expect(bob.map((w) => w.states.length)).toEqual([1, 1]);
    expect(bob.every((w) => !w.completed)).toBe(true);
    expect(s.gateway.subscriptions.activePollers).toBe(1);
    const seen = new Set(s.httpRequests().filter((r) => r.method === 'GET').map((r) => r.headers.authorization));
    expect(seen).toEqual(new Set(['Bearer alice', 'Bearer bob']));
    for (const w of bob) w.leave();
    await until(() => s.gateway.subscriptions.activePollers === 0);
  });
});
