/**
 * Scenario 3: the same k = 100 read with `$batch` on (BATCH_MODE json) and off (concurrent GETs), each
 * through its own gateway process against the same upstream, timed as sequential requests after a warm-up.
 */
import type { BenchChild } from '../children.js';
import { type Column, heading, markdownTable, ms, times } from '../format.js';
import { graphqlData, postGraphQL } from '../http.js';
import type { BenchSettings } from '../settings.js';
import { percentile, ratio } from '../stats.js';
import { aliasKeys, aliasQuery, distinctCount } from '../workload.js';

export const BATCH_K = 100;

export interface ModeResult {
  mode: 'json' | 'off';
  requests: number;
  p50: number;
  p90: number;
  /** Upstream HTTP requests per GraphQL request. */
  httpPerRequest: number;
  /** `$batch` parts per GraphQL request. */
  partsPerRequest: number;
  failures: number;
}

async function measureMode(mode: ModeResult['mode'], gateway: BenchChild, upstream: BenchChild, settings: BenchSettings): Promise<ModeResult> {
  const query = aliasQuery(aliasKeys(BATCH_K));
  for (let i = 0; i < settings.batchWarmup; i++) await postGraphQL(gateway.url, query);
  await upstream.call('stats');
  const latencies: number[] = [];
  let failures = 0;
  for (let i = 0; i < settings.batchRequests; i++) {
    const response = await postGraphQL(gateway.url, query);
    if (graphqlData(response).ok) latencies.push(response.ms);
    else failures++;
  }
  const stats = await upstream.call('stats');
  return {
    mode,
    requests: settings.batchRequests,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    httpPerRequest: stats.httpRequests / settings.batchRequests,
    partsPerRequest: stats.batchParts / settings.batchRequests,
    failures,
  };
}

export async function measureBatching(
  gateways: { json: BenchChild; off: BenchChild },
  upstream: BenchChild,
  settings: BenchSettings,
): Promise<ModeResult[]> {
  return [await measureMode('json', gateways.json, upstream, settings), await measureMode('off', gateways.off, upstream, settings)];
}

export function formatBatching(results: readonly ModeResult[], getConcurrency: number): string {
  const columns: Column[] = [
    { header: 'BATCH_MODE' },
    { header: 'requests', align: 'right' },
    { header: 'p50 ms', align: 'right' },
    { header: 'p90 ms', align: 'right' },
    { header: 'upstream HTTP/req', align: 'right' },
    { header: '$batch parts/req', align: 'right' },
    { header: 'failed', align: 'right' },
  ];
  const rows = results.map((r) => [
    r.mode === 'json' ? 'json ($batch)' : `off (GETs, ${getConcurrency} at a time)`,
    String(r.requests),
    ms(r.p50),
    ms(r.p90),
    r.httpPerRequest.toFixed(1),
    r.partsPerRequest.toFixed(1),
    String(r.failures),
  ]);
  const on = results.find((r) => r.mode === 'json');
  const off = results.find((r) => r.mode === 'off');
  const distinct = distinctCount(aliasKeys(BATCH_K));
  return [
    heading(`3. k = ${BATCH_K} by key (${distinct} distinct): $batch on vs off`),
    'Sequential requests from the bench process, each mode through its own gateway child against the same upstream.',
    '',
    markdownTable(columns, rows),
    '',
    `p50 off/on: ${on && off ? times(ratio(off.p50, on.p50)) : 'n/a'} (> 1× means $batch is faster).`,
  ].join('\n');
}
