/**
 * fetchMetadata over loopback: the body cap holds whether the upstream declares a Content-Length or
 * streams chunks, and the hard timer ends a read that never completes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fetchMetadata } from '../../src/odata/metadata-upstream.js';
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
});
