/** The polling schedule of watched operations (src/subscriptions/schedule.ts): growth, cap, jitter, Retry-After. */
import { describe, expect, it } from 'vitest';
import { grownInterval, pollDelay } from '../../src/subscriptions/schedule.js';

const settings = { initialMs: 2000, maxMs: 60_000 };

describe('poll schedule', () => {
  it('grows by half while nothing changes, up to the cap', () => {
    let interval = settings.initialMs;
    const seen = [interval];
    for (let i = 0; i < 12; i++) seen.push((interval = grownInterval(interval, settings)));
    expect(seen.slice(0, 4)).toEqual([2000, 3000, 4500, 6750]);
    expect(Math.max(...seen)).toBe(60_000);
    expect(seen.at(-1)).toBe(60_000);
  });

  it('jitters downwards by at most a fifth, never above the interval', () => {
    expect(pollDelay(1000, undefined, () => 0)).toBe(1000);
    expect(pollDelay(1000, undefined, () => 0.999_999)).toBe(800);
    expect(pollDelay(1000, undefined, () => 0.5)).toBe(900);
  });

  it('never polls before a Retry-After', () => {
    expect(pollDelay(1000, 30, () => 0)).toBe(30_000);
    expect(pollDelay(5000, 1, () => 0)).toBe(5000);
  });
});
