/**
 * TalliedHistogram against prom-client's own Histogram as the reference: the same observations give the same
 * exposition, text and JSON, byte for byte, for label sets observed in any order, values on and between the
 * bounds, and above the last one.
 */
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedHistogram } from '../../src/metrics/tallied-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1, 1, 10];
const OBSERVATIONS: Array<[string, string, number]> = [
  ['GET', 'get', 0.0005],
  ['GET', 'get', 0.001],
  ['POST', 'batch', 0.02],
  ['GET', 'get', 0.1],
  ['GET', 'list', 3],
  ['POST', 'batch', 12],
  ['GET', 'get', 0.0101],
  ['GET', 'list', 10],
];

function both() {
  const reference = new Registry();
  const tallied = new Registry();
  const configuration = { name: 'x_seconds', help: 'X by method and kind', labelNames: ['method', 'kind'] as const, buckets: BUCKETS };
  const histogram = new Histogram({ ...configuration, labelNames: [...configuration.labelNames], registers: [reference] });
  const tallies = new TalliedHistogram<'method' | 'kind'>({ ...configuration, registers: [tallied] });
  for (const [method, kind, value] of OBSERVATIONS) {
    histogram.observe({ method, kind }, value);
    tallies.tally(`${method} ${kind}`, () => ({ method, kind })).observe(value);
  }
  return { reference, tallied, tallies };
}

describe('TalliedHistogram', () => {
  it('exposes what prom-client’s Histogram exposes, as text', async () => {
    const { reference, tallied } = both();
    expect(await tallied.metrics()).toBe(await reference.metrics());
  });

  it('and as JSON', async () => {
    const { reference, tallied } = both();
    expect(await tallied.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
  });

  it('shows a label set once observed, and forgets it on reset', async () => {
    const { tallied, tallies } = both();
    tallies.tally('DELETE write', () => ({ method: 'DELETE', kind: 'write' }));
    expect(await tallied.metrics()).not.toContain('DELETE');
    tallied.resetMetrics();
    expect(await tallied.metrics()).not.toContain('x_seconds_bucket');
  });
});
