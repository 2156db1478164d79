/**
 * A Prometheus histogram whose observations are kept as plain numbers, one set of bucket counts per label
 * set, and shown through prom-client's registry in the form prom-client's own Histogram gives (the same
 * lines, the same order). prom-client's `observe` builds a labels object, checks the label names and hashes
 * them on every call, through a child from `labels()` too; two of them per GraphQL request (its duration, its
 * upstream attempt's) cost more than the rest of the request's metrics. Here an observation is a few
 * comparisons and additions on an object the caller keeps (see tallied-counter.ts for the counters).
 */
import type { LabelValues, Registry } from 'prom-client';
import { LabelSets } from './label-sets.js';

/** The observations of one label set: call `observe`. */
export class HistogramTally {
  /** Observations per bucket (not cumulative); the last one is above every bound (+Inf). */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    this.counts[bucket]!++;
  }
}

/** One line of the metric, as prom-client's registry formats it (`sharedLabels` after `labels`). */
interface MetricValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string | number>;
  value: number;
  metricName: string;
  /** prom-client's bucket lines carry one (none here, as without exemplars there). */
  exemplar?: null;
}

export interface TalliedHistogramConfiguration<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

export class TalliedHistogram<L extends string = never> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: readonly number[];
  private readonly series: LabelSets<L, HistogramTally>;

  constructor(configuration: TalliedHistogramConfiguration<L>) {
    this.name = configuration.name;
    this.help = configuration.help;
    const bounds = [...configuration.buckets];
    this.bounds = bounds;
    this.series = new LabelSets(() => new HistogramTally(bounds));
    for (const registry of configuration.registers) registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /**
   * The observations of the label set named `key` (one key per label set, chosen by the caller), made on
   * first use; the label set appears in the exposition once observed.
   */
  tally(key: string, labels: () => LabelValues<L>): HistogramTally {
    return this.series.tally(key, labels);
  }

  /** What the registry's text exposition reads (prom-client's Histogram.getForPromString). */
  async getForPromString(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    const values: MetricValue[] = [];
    for (const { labels, tally } of this.series.values()) {
      if (tally.count === 0) continue;
      const shared = labels as Record<string, string | number>;
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += tally.counts[index]!;
        values.push({ labels: { le: bound }, sharedLabels: shared, value: cumulative, metricName: `${this.name}_bucket`, exemplar: null });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: shared, value: tally.count, metricName: `${this.name}_bucket`, exemplar: null });
      values.push({ labels: {}, sharedLabels: shared, value: tally.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: shared, value: tally.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The registry's JSON form (prom-client's Histogram.get: each value's labels with its series' labels). */
  async get(): Promise<{ name: string; help: string; type: string; values: Array<Omit<MetricValue, 'sharedLabels'>>; aggregator: string }> {
    const data = await this.getForPromString();
    return { ...data, values: data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })) };
  }

  /** Forgets every observation (the registry's resetMetrics). */
  reset(): void {
    this.series.clear();
  }
}
