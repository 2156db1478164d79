/**
 * A Prometheus counter whose counts are kept as plain numbers, one per label set, and copied into prom-client
 * when scraped (its `collect` hook). prom-client hashes the labels and checks their names on every `inc`,
 * even through a child from `labels()`: on the hot path (several counts per request, some per key or per
 * `$batch` part) that cost more than the rest of the bookkeeping. Here a count is one addition on an object the
 * caller keeps, and prom-client still owns the registry and the exposition format.
 */
import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';
import { LabelSets } from './label-sets.js';

/** The count of one label set: add to `value`. */
export interface Tally {
  value: number;
}

export class TalliedCounter<L extends string> {
  private readonly tallies = new LabelSets<L, Tally>(() => ({ value: 0 }));

  constructor(configuration: Omit<CounterConfiguration<L>, 'collect'>) {
    const tallies = this.tallies;
    new Counter<L>({
      ...configuration,
      collect() {
        this.reset();
        // A label set shows once counted, as with prom-client's own children.
        for (const { labels, tally } of tallies.values()) if (tally.value > 0) this.inc(labels, tally.value);
      },
    });
  }

  /**
   * The tally of the label set named `key` (one key per label set, chosen by the caller), made on first use;
   * the label set appears in the exposition once its tally is above zero.
   */
  tally(key: string, labels: () => LabelValues<L>): Tally {
    return this.tallies.tally(key, labels);
  }
}
