/**
 * fetchMetadata over loopback: the body cap holds whether the upstream declares a Content-Length or
 * streams chunks, the hard timer ends a read that never completes, and a body it does not read (an error
 * status's) is let go of without an exception, even one that never ends.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchMetadata } from '../../src/odata/metadata-upstream.js';
import { startHostileUpstream } from '../support/hostile-upstream.js';
import { startMetadataUpstream, type MetadataAnswer, type MetadataUpstream } from '../support/metadata-upstream.js';

let upstream: MetadataUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function fetchFrom(answer: MetadataAnswer, maxBytes: number, timeoutMs = 2000) {
  upstream = await startMetadataUpstream(answer);
  return fetchMetadata(upstream.serviceRoot, { timeoutMs, maxBytes });
}

describe('fetchMetadata', () => {
  it('reads a body within the cap', async () => {
    expect(await fetchFrom({ chunks: ['<a>', '</a>'] }, 1000)).toEqual({ ok: true, xml: '<a></a>' });
  });

  it('refuses a body over the cap, declared or streamed', async () => {
    expect(await fetchFrom({ body: 'x'.repeat(2000) }, 1000)).toEqual({ ok: false, problem: '$metadata is larger than 1000 bytes' });
    await upstream?.close();
    expect(await fetchFrom({ chunks: Array.from({ length: 20 }, () => 'x'.repeat(100)) }, 1000)).toEqual({ ok: false, problem: '$metadata is larger than 1000 bytes' });
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    expect(await fetchFrom({ declaredLength: 1_000_000 }, 1000, 5000)).toEqual({ ok: false, problem: '$metadata is larger than 1000 bytes' });
  });

  it('gives up after timeoutMs', async () => {
    const started = Date.now();
    expect(await fetchFrom('hang', 1000, 300)).toEqual({ ok: false, problem: 'no complete answer to $metadata within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers any other status with that status, and leaves no error behind', async () => {
    // A body destroyed without an 'error' listener once its answer had fully arrived emitted RequestAbortedError
    // on the next turn of the event loop: an uncaught exception, which ended `npm start`.
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      for (const status of [401, 302, 404, 429, 500, 503]) {
        expect(await fetchFrom({ status }, 1000)).toEqual({ ok: false, problem: `$metadata answered HTTP ${status}` });
        await upstream?.close();
        upstream = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
  });

  it('waits for an error body that never ends no longer than timeoutMs', async () => {
    const trickling = await startHostileUpstream(() => ({ status: 503, headers: { 'retry-after': '5' }, body: 'x'.repeat(1000), trickleMs: 50 }));
    try {
      const started = Date.now();
      expect(await fetchMetadata(trickling.serviceRoot, { timeoutMs: 300 })).toEqual({ ok: false, problem: '$metadata answered HTTP 503' });
      expect(Date.now() - started).toBeLessThan(2000);
      // The answer was cut off, not read to its end.
      await vi.waitFor(() => expect(trickling.abandonedAnswers()).toBe(1));
    } finally {
      await trickling.close();
    }
  });
});
