/**
 * The printed summary of a run: what was sent, what came back, what the upstream saw and suffered, what
 * the stores hold, and every violation with examples. Pure formatting: all numbers come in.
 */
import type { FaultTally } from './fault-plan.js';
import type { FinalCheckReport } from './final-check.js';
import type { Ledger, UpdateClass } from './ledger.js';
import type { Metrics } from './metrics.js';
import type { ProcessReport } from './process-monitor.js';
import { type Cell, formatTable, percent } from './table.js';
import type { TenancyCheck } from './tenancy.js';
import type { UpstreamTally } from './upstream-tally.js';
import type { TenantStoreReport } from './verify-store.js';
import type { Violations } from './violations.js';

export interface RunFacts {
  seconds: number;
  clients: number;
  faultRate: number;
  /** Time the clients ran (from start to the last one finishing), ms. */
  loadMs: number;
  wallMs: number;
  gatewaySettings: string;
}

export interface RunReport {
  facts: RunFacts;
  metrics: Metrics;
  ledger: Ledger;
  tenancy: TenancyCheck;
  upstream: UpstreamTally;
  faults: FaultTally;
  stores: TenantStoreReport[];
  final: FinalCheckReport;
  process: ProcessReport;
  violations: Violations;
}

function section(title: string, body: string): string {
  return `\n== ${title}\n${body}`;
}

function requestsTable(r: RunReport): string {
  const rows: Cell[][] = [...r.metrics.ops].map(([op, s]) => {
    let errors = 0;
    for (const n of s.codes.values()) errors += n;
    return [op, s.requests, errors, Math.round(s.latency.percentile(50)), Math.round(s.latency.percentile(99))];
  });
  const total = r.metrics.totalRequests;
  rows.push(['total', total, '', '', '']);
  const perSecond = (total / (r.facts.loadMs / 1000)).toFixed(0);
  return `${formatTable(['GraphQL requests', 'count', 'errors', 'p50 ms', 'p99 ms'], rows)}\n  throughput: ${perSecond} GraphQL requests/s over ${(r.facts.loadMs / 1000).toFixed(1)} s; keyed reads asked: ${r.metrics.keyedReads}; list nodes received: ${r.metrics.listNodes}`;
}

function errorCodesTable(r: RunReport): string {
  const ops = [...r.metrics.ops.keys()];
  const codes = [...new Set([...r.metrics.ops.values()].flatMap((s) => [...s.codes.keys()]))].sort();
  if (codes.length === 0) return '  (no errors)';
  const rows = codes.map((code) => [code, ...ops.map((op) => r.metrics.ops.get(op)!.codes.get(code) ?? 0)]);
  return formatTable(['error code', ...ops], rows);
}

function createsTable(r: RunReport): string {
  const rows: Cell[][] = r.stores.map((s) => [
    s.tenant,
    s.firstAnswers.success,
    s.firstAnswers.failedKnown,
    s.firstAnswers.outcomeUnknown,
    s.firstAnswers.other,
    s.retried.conflict,
    s.retried.created,
    s.retried.unresolved,
    s.unresolved.exist,
    s.unresolved.absent,
  ]);
  const generated: Cell[][] = r.stores.map((s) => [s.tenant, s.generated.succeeded, s.generated.failedKnown, s.generated.outcomeUnknown, s.generated.other, s.generated.extraInStore]);
  return [
    '  creates with a client-chosen id (first answer; unknown outcomes half retried with the same id):',
    formatTable(['tenant', 'success', 'failed-known', 'outcome-unknown', 'other', 'retry: CONFLICT', 'retry: created', 'retry: no verdict', 'unresolved: exist', 'unresolved: absent'], rows),
    '  creates without id (upstream-generated; verifiable by count only):',
    formatTable(['tenant', 'success', 'failed-known', 'outcome-unknown', 'other', 'unknown ones in store'], generated),
  ].join('\n');
}

function updatesTable(r: RunReport): string {
  const order: UpdateClass[] = ['success', 'precondition-failed', 'failed-known', 'outcome-unknown', 'other'];
  return `${formatTable(['updates (ifMatch)', ...order], [['count', ...order.map((c) => r.ledger.updates.get(c) ?? 0)]])}\n  outcome-unknown updates already applied when answered: ${r.ledger.updatesUnknownApplied}`;
}

function upstreamTable(r: RunReport): string {
  const rows: Cell[][] = [...r.upstream.byKind].map(([kind, n]) => [kind, n, r.faults.byTarget.get(kindToTarget(kind)) ?? '']);
  rows.push(['total', r.upstream.total, r.faults.total]);
  const faults: Cell[][] = [...r.faults.byFault].sort((a, b) => b[1] - a[1]).map(([label, n]) => [label, n]);
  return [
    formatTable(['upstream requests', 'received', 'faults'], rows),
    `  faults applied: ${r.faults.total} of ${r.upstream.total} upstream requests (${percent(r.faults.total, r.upstream.total)}; target ${(r.facts.faultRate * 100).toFixed(1)}%; '$batch part' faults are counted under 'read by key')`,
    formatTable(['fault', 'applied'], faults),
    `  create POSTs received: ${[...r.upstream.createPostsById.values()].reduce((a, b) => a + b, 0)} with a client-chosen id (${r.upstream.createPostsById.size} distinct ids), ${r.upstream.createPostsWithoutId} without id`,
  ].join('\n');
}

/** The fault plan's target labels, for the upstream table. */
function kindToTarget(kind: string): string {
  if (kind.startsWith('read by key')) return 'read by key';
  if (kind.startsWith('list')) return 'list page';
  if (kind.startsWith('create')) return 'create';
  if (kind.startsWith('update')) return 'update';
  if (kind === '$batch (POST)') return '$batch';
  return '';
}

function storesTable(r: RunReport): string {
  const rows: Cell[][] = r.stores.map((s) => [s.tenant, s.storeCount, s.equation.expected, s.equation.holds ? 'yes' : 'NO']);
  return `${formatTable(['tenant', 'operations in store', 'created + unknown-that-exist + generated', 'equal'], rows)}\n  tenancy: ${r.tenancy.checked} ids in responses checked; final queries: ${r.final.ok}/${r.final.queries} ok`;
}

function violationsText(r: RunReport): string {
  const entries = r.violations.entries();
  if (entries.length === 0) return '  none';
  return entries.map((e) => `  ${e.count} × ${e.kind}\n${e.examples.map((x) => `      e.g. ${x}`).join('\n')}`).join('\n');
}

export function formatReport(r: RunReport): string {
  const f = r.facts;
  const p = r.process;
  const other = r.stores.reduce((sum, s) => sum + s.firstAnswers.other + s.generated.other, 0);
  const created = r.stores.reduce((sum, s) => sum + s.firstAnswers.success + s.retried.created + s.generated.succeeded, 0);
  return [
    `load test: ${f.clients} clients (alice/bob interleaved) for ${f.seconds} s, fault rate ${(f.faultRate * 100).toFixed(1)}%; gateway ${f.gatewaySettings}`,
    section('gateway requests', requestsTable(r)),
    section('errors by code', errorCodesTable(r)),
    section('creates', createsTable(r)),
    section('updates', updatesTable(r)),
    section('upstream', upstreamTable(r)),
    section('stores after the run (faults off)', storesTable(r)),
    section('process', `  peak rss ${p.peakRssMb} MB, peak heap ${p.peakHeapMb} MB, heap at end ${p.finalHeapMb} MB; event-loop delay p50 ${p.loopDelayP50Ms} ms, p99 ${p.loopDelayP99Ms} ms, max ${p.loopDelayMaxMs} ms; wall time ${(f.wallMs / 1000).toFixed(1)} s`),
    section('violations', violationsText(r)),
    '',
    `creates answered as created: ${created}; answers classed 'other': ${other}; violations: ${r.violations.total}`,
  ].join('\n');
}
