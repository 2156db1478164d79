/**
 * Scenario 5 (report): the gateway process's resident memory at rest, after GraphiQL and at its peak under
 * load, against issue 21's bounds. Pure: no I/O.
 */
import { type Column, heading, integer, markdownTable, mebibytes } from '../format.js';
import type { BenchSettings } from '../settings.js';
import type { GatewayMemory } from './gateway-memory.js';

/** Issue 21: the gateway process's RSS at rest must stay within this. */
export const GATEWAY_REST_TARGET_BYTES = 120 * 1024 * 1024;
/** Issue 21: its peak RSS under load, GraphiQL having been served, must stay within this. */
export const GATEWAY_PEAK_TARGET_BYTES = 150 * 1024 * 1024;

export function formatGatewayMemory(result: GatewayMemory, settings: BenchSettings): string {
  const steps = [
    { label: 'at rest (3 s after ready, no request yet)', process: result.atRest },
    { label: `after one GraphiQL page${result.graphiql ? ` (HTTP ${result.graphiql.status}, ${integer(result.graphiql.bytes)} bytes, ${integer(result.graphiql.ms)} ms)` : ''}`, process: result.afterGraphiql },
    { label: `after ${settings.memoryLoadS} s of load${result.load ? ` (${result.load.ok + result.load.rejected + result.load.failures} requests, ${integer(result.load.rps)} req/s)` : ''}`, process: result.afterLoad },
  ];
  const columns: Column[] = [{ header: 'gateway process' }, { header: 'rss (VmRSS)', align: 'right' }, { header: 'peak so far (VmHWM)', align: 'right' }];
  const rows = steps.map((step) => [step.label, step.process ? mebibytes(step.process.rss) : '—', step.process ? mebibytes(step.process.peakRss) : '—']);
  return [
    heading(`5. Memory of the gateway process: at rest, after GraphiQL, peak under ${settings.memoryLoadS} s of load`),
    `A fresh \`npm start\` (ready after ${result.startupS.toFixed(1)} s), every setting at its default; the process measured is its \`${result.atRest?.command ?? 'node dist/main.js'}\``,
    '(the gateway with the embedded OData service inside it; npm above it is not counted). GraphiQL: GET /graphql with `Accept: text/html`, the whole body read.',
    `Load: scenario 4's two reads alternating over ${settings.treeConcurrency} connections for ${settings.memoryLoadS} s, each answer checked for data.`,
    `Goals (issue 21): rss at rest ≤ ${mebibytes(GATEWAY_REST_TARGET_BYTES)}; peak (VmHWM since start, GraphiQL included) ≤ ${mebibytes(GATEWAY_PEAK_TARGET_BYTES)}.`,
    '',
    markdownTable(columns, rows),
    ...(result.problems.length > 0 ? ['', `Problems: ${result.problems.join('; ')}.`] : []),
  ].join('\n');
}
