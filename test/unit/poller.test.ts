/**
 * OperationPoller's loop runs detached from any request (start() does not wait for it): a bug that makes it
 * throw must end that poller's watches with the error (masked for the client, like any unexpected error), never
 * float as an unhandled rejection, which ends the process and every request and subscription in it.
 */
import { describe, expect, it } from 'vitest';
import type { ReadResult } from '../../src/odata/operations.js';
import { OperationPoller } from '../../src/subscriptions/poller.js';
import { OperationWatch } from '../../src/subscriptions/watch.js';

/** The watch's next event, or 'nothing' when none comes within a second (a loop that died quietly). */
function nextWithin(watch: OperationWatch): Promise<IteratorResult<unknown> | 'nothing'> {
  return Promise.race([watch.next(), new Promise<'nothing'>((resolve) => setTimeout(() => resolve('nothing'), 1000).unref())]);
}

describe('OperationPoller', () => {
  it('ends its watches with the error when its loop throws, and leaves no unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const record = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', record);
    try {
      let stops = 0;
      const poller = new OperationPoller({
        initialMs: 10,
        maxMs: 10,
        // A read that breaks its contract (a bug elsewhere): the loop cannot take its fingerprint and throws.
        read: async () => undefined as unknown as ReadResult,
        onStop: () => stops++,
      });
      const watch = new OperationWatch((ended) => poller.leave(ended));
      poller.join(watch);
      poller.start();

      const first = await nextWithin(watch);
      expect(first).toMatchObject({ done: false, value: expect.any(TypeError) });
      expect(await nextWithin(watch)).toEqual({ value: undefined, done: true });
      expect(poller.isStopped).toBe(true);
      expect(stops).toBe(1);
      // Unhandled rejections are reported after the microtasks of the turn that made them.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(rejections).toEqual([]);
  });
});
