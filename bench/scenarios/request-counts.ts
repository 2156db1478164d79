/**
 * Scenario 1: how many upstream HTTP requests ONE GraphQL request reading k operations by key costs.
 * The bound is ceil(distinct / BATCH_MAX) (one plain GET for a single distinct read), and no key may be
 * fetched twice. Exceeding either is a correctness failure, not a slow result.
 */
import type { BenchChild } from '../children.js';
import { type Column, heading, markdownTable } from '../format.js';
import { isRecord } from '../guards.js';
import { graphqlData, postGraphQL } from '../http.js';
import { upstreamBound } from '../stats.js';
import { BATCH_MAX, aliasKeys, aliasQuery, distinctCount, globalIdOf, type OperationKey } from '../workload.js';

/** The brief's k, plus 25 and 26 whose distinct counts (20, 21) sit exactly on the batch boundary. */
export const K_VALUES = [1, 20, 21, 25, 26, 100, 500] as const;

export interface CountRow {
  k: number;
  distinct: number;
  httpRequests: number;
  batchPosts: number;
  gets: number;
  batchParts: number;
  bound: number;
  /** Empty when every alias came back with its own operation (OData key and global id). */
  dataProblem: string;
  ok: boolean;
  why: string;
}

/** Every alias `o{i}` answered with the operation asked for: its operationId and its global id. */
function checkData(data: Record<string, unknown>, keys: readonly OperationKey[]): string {
  let wrong = 0;
  keys.forEach((key, i) => {
    const value = data[`o${i}`];
    if (!isRecord(value) || value.operationId !== key.operationId || value.id !== globalIdOf(key) || typeof value.status !== 'string') wrong++;
  });
  return wrong === 0 ? '' : `${wrong} alias(es) missing or wrong`;
}

export async function measureRequestCounts(gateway: BenchChild, upstream: BenchChild): Promise<CountRow[]> {
  const rows: CountRow[] = [];
  for (const k of K_VALUES) {
    const keys = aliasKeys(k);
    const distinct = distinctCount(keys);
    await upstream.call('stats'); // start from zero
    const response = await postGraphQL(gateway.url, aliasQuery(keys));
    const stats = await upstream.call('stats');
    const result = graphqlData(response);
    const dataProblem = result.ok ? checkData(result.data, keys) : result.problem;

    const bound = upstreamBound(distinct, BATCH_MAX);
    const reasons: string[] = [];
    if (stats.httpRequests > bound) reasons.push(`${stats.httpRequests} HTTP > bound ${bound}`);
    if (distinct === 1 && (stats.gets !== 1 || stats.batchPosts !== 0)) reasons.push('a single read must be one plain GET');
    if (stats.batchParts + stats.gets > distinct) reasons.push(`${stats.batchParts + stats.gets} fetches for ${distinct} distinct keys`);
    if (dataProblem !== '') reasons.push(dataProblem);
    rows.push({
      k,
      distinct,
      httpRequests: stats.httpRequests,
      batchPosts: stats.batchPosts,
      gets: stats.gets,
      batchParts: stats.batchParts,
      bound,
      dataProblem,
      ok: reasons.length === 0,
      why: reasons.join('; '),
    });
  }
  return rows;
}

export function formatRequestCounts(rows: readonly CountRow[]): string {
  const columns: Column[] = [
    { header: 'k', align: 'right' },
    { header: 'distinct', align: 'right' },
    { header: 'upstream HTTP', align: 'right' },
    { header: '$batch posts', align: 'right' },
    { header: 'GETs', align: 'right' },
    { header: '$batch parts', align: 'right' },
    { header: 'bound', align: 'right' },
    { header: 'result' },
  ];
  const body = rows.map((row) => [
    String(row.k),
    String(row.distinct),
    String(row.httpRequests),
    String(row.batchPosts),
    String(row.gets),
    String(row.batchParts),
    String(row.bound),
    row.ok ? 'OK' : `FAIL: ${row.why}`,
  ]);
  return [
    heading(`1. Upstream requests for one GraphQL request reading k operations by key (BATCH_MAX ${BATCH_MAX})`),
    'Aliases over 3 connections, every 5th repeating the previous key. bound = ceil(distinct / BATCH_MAX), 1 plain GET for a single distinct read.',
    'OK also requires each distinct key fetched at most once ($batch parts + GETs ≤ distinct) and every alias answered with its own operationId and global id.',
    '',
    markdownTable(columns, body),
  ].join('\n');
}
