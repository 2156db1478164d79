/**
 * A request of 40 lists waits on 40 upstream reads at once (a connection slot, or an exchange in flight, each
 * listening for its caller's departure). With an AbortSignal per request that was 11 or more listeners on one
 * signal: Node printed a MaxListenersExceededWarning for it, in `npm test` and in production. And the 40
 * reads still stop when the caller leaves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const FORTY_LISTS = `{ ${Array.from({ length: 40 }, (_, i) => `l${i}: connectionOperations(connectionId: "contosohr", first: 2) { nodes { operationId } }`).join(' ')} }`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('a request waiting on many upstream reads at once', () => {
  it('answers 40 lists without a listener warning', async () => {
    // Fewer connections than lists, so that some reads wait for a slot while others are in flight.
    stack = await startStack({ service: { seed: true }, config: { upstreamConnections: 8 } });
    stack.upstream.faults.latency(30);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const result = await stack.gql(FORTY_LISTS);
      expect(result.errors).toBeUndefined();
      expect(Object.keys(result.data ?? {})).toHaveLength(40);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
    expect(stack.upstream.requests.filter((r) => r.path.endsWith('/operations')).length).toBe(40);
  });

  it('stops all 40 reads when the caller leaves', async () => {
    stack = await startStack({ service: { seed: true }, config: { upstreamConnections: 8 } });
    stack.upstream.faults.latency(500);
    const caller = new AbortController();
    const sent = fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: FORTY_LISTS }),
      signal: caller.signal,
    }).catch(() => undefined);
    // Until the first 8 reads are in the upstream's log (it notes a request as it answers it, after the
    // latency: by then the next reads are in flight and the rest wait for a slot), then leave.
    await expect.poll(() => stack!.upstream.requests.length, { timeout: 5000 }).toBeGreaterThanOrEqual(8);
    caller.abort();
    await sent;
    // The reads still waiting for a slot never go out: had they not heard the caller leave, waves of 8 would
    // have followed until all 40 had (measured: 40 without the departure; 12 with it, all of them already in
    // the log, or in flight, when the caller left).
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(stack.upstream.requests.length).toBeLessThan(20);
  });
});
