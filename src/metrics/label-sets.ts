/**
 * The series of a tallied metric (tallied-counter.ts, tallied-histogram.ts): one tally per label set, found
 * by a key the caller chooses (one key per label set), made with its labels on first use. The caller keeps
 * the tally, so a count or an observation costs no labels object and no hashing.
 */
import type { LabelValues } from 'prom-client';

export interface Series<L extends string, T> {
  labels: LabelValues<L>;
  tally: T;
}

export class LabelSets<L extends string, T> {
  private readonly series = new Map<string, Series<L, T>>();

  constructor(private readonly make: () => T) {}

  /** The tally of the label set named `key`, made on first use with `labels()`. */
  tally(key: string, labels: () => LabelValues<L>): T {
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = { labels: labels(), tally: this.make() };
      this.series.set(key, entry);
    }
    return entry.tally;
  }

  values(): IterableIterator<Series<L, T>> {
    return this.series.values();
  }

  clear(): void {
    this.series.clear();
  }
}
