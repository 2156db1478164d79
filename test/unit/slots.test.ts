import { describe, expect, it } from 'vitest';
import { CALLER_GONE, CallerDeparture } from '../../src/odata/departure.js';
import { UpstreamSlots } from '../../src/odata/slots.js';

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'granted', (error: { extensions?: { code?: string }; message?: string }) => error.extensions?.code ?? error.message);
const farAway = () => Date.now() + 60_000;

describe('upstream slots', () => {
  it('grants up to the capacity at once, then makes calls wait in line and grants them as slots come back', async () => {
    const slots = new UpstreamSlots({ capacity: 2, laneCap: 2, queueMax: 10 });
    const first = await slots.acquire('a', farAway());
    await slots.acquire('b', farAway());
    expect(slots.active).toBe(2);
    let granted = false;
    const waiting = slots.acquire('c', farAway()).then((release) => ((granted = true), release));
    await Promise.resolve();
    expect([granted, slots.queued]).toEqual([false, 1]);
    first();
    first(); // a second release changes nothing
    const release = await waiting;
    expect([granted, slots.active, slots.queued]).toEqual([true, 2, 0]);
    release();
    expect(slots.active).toBe(1);
  });

  it('keeps a quarter of the pool out of any one lane, and lets another lane pass a waiting full lane', async () => {
    const slots = new UpstreamSlots({ capacity: 4, queueMax: 10 });
    expect(slots.laneCap).toBe(3);
    for (let i = 0; i < 3; i++) await slots.acquire('slow', farAway());
    const slowWaiting = slots.acquire('slow', farAway());
    // The slow lane is full and waits; a healthy lane goes first, without waiting.
    const healthy = await slots.acquire('healthy', farAway());
    expect([slots.active, slots.queued]).toEqual([4, 1]);
    healthy();
    // The freed slot is not the slow lane's: it stays at its cap.
    expect([slots.active, slots.queued]).toEqual([3, 1]);
    void slowWaiting;
  });

  it('tells how long the head of the line has waited', async () => {
    const slots = new UpstreamSlots({ capacity: 1, queueMax: 5 });
    expect(slots.oldestWaitMs()).toBe(0);
    const held = await slots.acquire('a', farAway());
    const started = performance.now();
    const first = slots.acquire('a', farAway());
    void slots.acquire('b', farAway());
    expect(slots.oldestWaitMs(started + 1000)).toBeGreaterThan(990);
    expect(slots.oldestWaitMs(started + 1000)).toBeLessThanOrEqual(1000);
    held();
    (await first)();
    // The head is now the later call.
    expect(slots.queued).toBe(0);
    expect(slots.oldestWaitMs()).toBe(0);
  });

  it('fails at once with OVERLOADED when queueMax calls already wait', async () => {
    const slots = new UpstreamSlots({ capacity: 1, queueMax: 1 });
    await slots.acquire('a', farAway());
    void slots.acquire('a', farAway());
    const started = Date.now();
    await expect(slots.acquire('a', farAway()).catch((error: { extensions: unknown }) => error.extensions)).resolves.toEqual({ code: 'OVERLOADED', retryAfter: 1 });
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('ends a wait at the caller’s deadline with UPSTREAM_TIMEOUT, and leaves the line', async () => {
    const slots = new UpstreamSlots({ capacity: 1, queueMax: 5 });
    await slots.acquire('a', farAway());
    const started = Date.now();
    expect(await codeOf(slots.acquire('a', Date.now() + 80))).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    expect(slots.queued).toBe(0);
    expect(await codeOf(slots.acquire('a', Date.now() - 1))).toBe('UPSTREAM_TIMEOUT');
  });

  it('ends a wait when the caller departs, and never grants it a slot afterwards', async () => {
    const slots = new UpstreamSlots({ capacity: 1, queueMax: 5 });
    const held = await slots.acquire('a', farAway());
    const caller = new CallerDeparture();
    const waiting = slots.acquire('a', farAway(), caller).then(
      () => 'granted',
      (error: unknown) => error,
    );
    caller.depart();
    expect(await waiting).toBe(CALLER_GONE);
    expect(slots.queued).toBe(0);
    held();
    expect(slots.active).toBe(0);
    expect(await slots.acquire('a', farAway(), caller).catch((error: unknown) => error)).toBe(CALLER_GONE);
  });
});
