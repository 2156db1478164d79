/**
 * Subscription.connectionOperationUpdates driven by real clients over loopback (graphql-sse and graphql-ws):
 * the current state first, each change once, completion after a terminal status, and the typed errors that
 * end a watch.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client as WsClient } from 'graphql-ws';
import { startStack, type Stack } from '../support/stack.js';
import { ended, pause, until, watchOverSse, watchOverWs, wsClient, type Watching } from '../support/subscription-clients.js';

const POLL_MS = 40;

describe.each(['sse', 'ws'] as const)('watching an operation over %s', (transport) => {
  let stack: Stack;
  let ws: WsClient | undefined;
  beforeAll(async () => {
    stack = await startStack({ config: { subscriptionPollMs: POLL_MS, subscriptionPollMaxMs: POLL_MS } });
  });
  afterEach(async () => {
    await ws?.dispose();
    ws = undefined;
    stack.upstream.reset();
  });
  afterAll(() => stack.close());

  const watch = (variables: Record<string, unknown>): Watching => {
    if (transport === 'sse') return watchOverSse(stack.url, variables);
    ws ??= wsClient(stack.url);
    return watchOverWs(ws, variables);
  };

  it('sends the current state first, then each change once, and completes after a terminal status', async () => {
    const first = stack.upstream.store.putOperation('c1', { id: 'op/1', status: 'inprogress' });
    const watching = watch({ connectionId: 'c1', operationId: 'op/1' });
    await until(() => watching.states.length === 1, 4000, 'first state');
    expect(watching.states[0]).toMatchObject({ operationId: 'op/1', status: 'IN_PROGRESS', etag: first.etag });
    // Several polls without a change deliver nothing more.
    await pause(POLL_MS * 5);
    expect(watching.states).toHaveLength(1);

    const second = stack.upstream.store.putOperation('c1', { id: 'op/1', status: 'inprogress' }); // only the etag changes
    await until(() => watching.states.length === 2, 4000, 'second state');
    expect(watching.states[1]).toMatchObject({ status: 'IN_PROGRESS', etag: second.etag });
    await pause(POLL_MS * 4);
    expect(watching.states).toHaveLength(2);

    stack.upstream.store.updateOperation('c1', 'op/1', { status: 'failed', error: { errorCode: 'SchemaInvalid', message: 'bad', details: [] } });
    await ended(watching);
    expect(watching.completed).toBe(true);
    expect(watching.errors).toEqual([]);
    expect(watching.states).toHaveLength(3);
    expect(watching.states[2]).toMatchObject({ status: 'FAILED', error: { errorCode: 'SchemaInvalid', message: 'bad' } });
    // The poller stopped with the watch.
    await until(() => stack.gateway.subscriptions.activePollers === 0 && stack.gateway.subscriptions.subscriptions === 0);
  });

  it('completes at once for an operation that already ended', async () => {
    stack.upstream.store.putOperation('c1', { id: 'done', status: 'completed' });
    const watching = watch({ connectionId: 'c1', operationId: 'done' });
    await ended(watching);
    expect(watching.completed).toBe(true);
    expect(watching.states.map((s) => s.status)).toEqual(['COMPLETED']);
  });

  it('ends with NOT_FOUND when the operation is gone, and stops polling', async () => {
    stack.upstream.store.putOperation('c1', { id: 'gone', status: 'inprogress' });
    const watching = watch({ connectionId: 'c1', operationId: 'gone' });
    await until(() => watching.states.length === 1);
    stack.upstream.store.deleteOperation('c1', 'gone');
    await ended(watching);
    expect(watching.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(watching.errors[0]!.extensions).toMatchObject({ upstreamStatus: 404 });
    const gets = () => stack.httpRequests().filter((r) => r.method === 'GET').length;
    const after = gets();
    await pause(POLL_MS * 4);
    expect(gets()).toBe(after);
  });

  it('ends with the mapped error when the upstream refuses the caller (403 → FORBIDDEN)', async () => {
    stack.upstream.store.putOperation('c1', { id: 'locked', status: 'inprogress' });
    stack.upstream.faults.add({ fault: { type: 'status', status: 403 }, match: { method: 'GET', path: '/connections/c1/operations/locked' } });
    const watching = watch({ connectionId: 'c1', operationId: 'locked' });
    await ended(watching);
    expect(watching.states).toEqual([]);
    expect(watching.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('retries transient failures (500, 503) and goes on watching', async () => {
    stack.upstream.store.putOperation('c1', { id: 'flaky', status: 'inprogress' });
    stack.upstream.faults.add({ fault: { type: 'status', status: 500 }, times: 2, match: { method: 'GET', path: '/connections/c1/operations/flaky' } });
    const watching = watch({ connectionId: 'c1', operationId: 'flaky' });
    await until(() => watching.states.length === 1);
    expect(watching.errors).toEqual([]);
    stack.upstream.store.updateOperation('c1', 'flaky', { status: 'completed' });
    await ended(watching);
    expect(watching.completed).toBe(true);
    expect(watching.states.map((s) => s.status)).toEqual(['IN_PROGRESS', 'COMPLETED']);
  });

  it('refuses a bad key as BAD_USER_INPUT before any upstream request', async () => {
    const watching = watch({ connectionId: '', operationId: 'x' });
    await ended(watching);
    expect(watching.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(stack.httpRequests()).toEqual([]);
  });
});
