/** Pure statistics helpers: no I/O, so they are trivially checkable and reusable across scenarios. */

/**
 * The p-th percentile (0..100) by the nearest-rank method: the smallest sample such that at least p% of
 * the samples are ≤ it. Nearest-rank always returns an observed value, which is what a latency report
 * should show. NaN for an empty sample.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p must be within 0..100, received ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** a / b, or NaN when b is 0 or either is not finite: a ratio over a failed measurement is no ratio. */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

/** ceil(distinct / batchMax), except that a single distinct read is one plain GET. */
export function upstreamBound(distinct: number, batchMax: number): number {
  if (distinct <= 1) return distinct;
  return Math.ceil(distinct / batchMax);
}

/** The median (mean of the two middle values for an even count); NaN for an empty sample. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `items` rotated left by `by` places: round r of an interleaved run starts with a different path. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = ((by % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
