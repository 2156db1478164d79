import type { Departure } from './departure.js';

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Waits `ms`, or less when the caller departs (it is gone: waiting longer helps nobody). */
export function sleep(ms: number, departure?: Departure): Promise<void> {
  if (departure?.gone) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = {
      handleEvent() {
        clearTimeout(timer);
        departure?.unlisten(listener);
        resolve();
      },
    };
    const timer = setTimeout(() => listener.handleEvent(), ms);
    departure?.listen(listener);
  });
}
