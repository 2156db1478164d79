/**
 * The printed summary of an overload run: what was sent and what came back, latencies against their
 * bounds, the upstream's view, the gateway's memory, recovery, and every violation with examples. Pure
 * formatting: all numbers come in.
 */
import type { ProcessReport } from '../process-monitor.js';
import { type Cell, formatTable, percent } from '../table.js';
import type { Violations } from '../violations.js';
import { admittedLatencyBound, BOUNDS, REQUEST_DEADLINE_MS, refusalLatencyBound, type RunFigures } from './checks.js';
import type { GatewayLogs } from './gateway-process.js';
import { BACKLOG_FROM_MS, BACKLOG_TO_MS } from './recovery.js';
import type { LatencySummary, LoadTally } from './tally.js';
import type { UpstreamCounts } from './upstream.js';

export interface OverloadReport {
  settings: string;
  loadMs: number;
  /** From the clients leaving until this process had unwound all their requests. */
  unwoundMs: number;
  wallMs: number;
  warmFailures: number;
  /** The test's own process during the load (clients and upstream). */
  testProcess: ProcessReport;
  tally: LoadTally;
  figures: RunFigures;
  upstream: UpstreamCounts;
  logs: GatewayLogs;
  violations: Violations;
}

const section = (title: string, body: string): string => `\n== ${title}\n${body}`;

function requests(r: OverloadReport): string {
  const t = r.tally;
  const rows: Cell[][] = [
    ['sent', t.sent, ''],
    ['answered with full data', t.full, percent(t.full, t.sent)],
    ['partial data + typed errors', t.partial, percent(t.partial, t.sent)],
    ['typed errors, no data', t.noData, percent(t.noData, t.sent)],
    ['refused OVERLOADED (503)', t.refused, percent(t.refused, t.sent)],
    ['  of which with Retry-After', t.refusedWithRetryAfter, percent(t.refusedWithRetryAfter, t.refused)],
    ['other (outside the contract)', t.other, percent(t.other, t.sent)],
    ['hang (no answer in client timeout)', t.hangs, ''],
    ['connection failed', t.transportFailures, ''],
    ['left in flight at the end (aborted)', t.left, ''],
  ];
  const shapes = [...t.byShape].map(([shape, s]) => `${shape} ${s.sent} sent / ${s.full} full`).join('; ');
  const perSecond = (t.sent / (r.loadMs / 1000)).toFixed(0);
  const unwound = `the clients' aborted requests unwound ${Math.round(r.unwoundMs)} ms after they left`;
  return `${formatTable(['GraphQL requests', 'count', 'share'], rows)}\n  ${perSecond} requests/s over ${(r.loadMs / 1000).toFixed(1)} s; by shape: ${shapes}\n  ${unwound}`;
}

function codes(t: LoadTally): string {
  if (t.codes.size === 0) return '  (no GraphQL errors on admitted requests)';
  const rows = [...t.codes].sort((a, b) => b[1].errors - a[1].errors).map(([code, c]): Cell[] => [code, c.errors, c.requests]);
  return formatTable(['error code (admitted requests)', 'errors', 'requests'], rows);
}

function latency(f: RunFigures, self: ProcessReport): string {
  const row = (name: string, s: LatencySummary, bound: string): Cell[] => [name, s.count, s.p50, s.p99, s.max, bound];
  const bound = admittedLatencyBound(f);
  const deadline = `p50/p99/max <= ${bound}`;
  const own = `  test process (clients, upstream) during the load: event-loop delay p50 ${self.loopDelayP50Ms} / p99 ${self.loopDelayP99Ms} / max ${self.loopDelayMaxMs} ms, peak RSS ${self.peakRssMb} MiB`;
  const gateway = `  gateway during the load: event-loop delay max ${Math.round(f.gatewayLoopDelayMaxMs)} ms; bound = deadline ${REQUEST_DEADLINE_MS} + slack ${BOUNDS.latencySlackMs} + both loop delays`;
  return formatTable(
    ['client-side latency, ms', 'count', 'p50', 'p99', 'max', 'bound'],
    [row('admitted (answered, not refused)', f.admitted, deadline), row('refused OVERLOADED', f.refusals, `p99 <= ${refusalLatencyBound(f)}`), row('left at the end (age)', f.left, `max <= ${bound}`)],
  ) + `\n${own}\n${gateway}`;
}

function memory(f: RunFigures): string {
  const m = f.memory;
  const rows: Cell[][] = [
    ['VmRSS at start (idle)', m.startMb],
    [`VmRSS peak sampled (at ${m.peakAtSeconds} s, ${m.samples} samples)`, m.peakSampledMb],
    ...m.marks.map((mark): Cell[] => [`VmRSS ${mark.label}`, mark.mb]),
    [`VmHWM (bound ${BOUNDS.peakRssMb})`, m.hwmMb],
  ];
  return formatTable(['gateway process memory', 'MiB'], rows);
}

function upstreamAndRecovery(r: OverloadReport): string {
  const u = r.upstream;
  const rec = r.figures.recovery;
  const failed = [...rec.failedProbes].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  const rows: Cell[][] = [
    ['upstream requests received (top-level)', u.requests],
    ['  $batch posts / parts executed', `${u.batchPosts} / ${u.batchParts}`],
    ['  most open at once', u.peakInFlight],
    ['  recovery probe requests', u.probeRequests],
    [`time to a plain read with data (bound ${BOUNDS.recoveryMs} ms)`, rec.recoveredMs === undefined ? 'never' : `${Math.round(rec.recoveredMs)} ms`],
    ['  probes sent / failed before', `${rec.probes} / ${failed}`],
    [`upstream requests 0-${BACKLOG_FROM_MS} ms after the end (not probe)`, rec.upstreamUnwinding],
    [`upstream requests ${BACKLOG_FROM_MS}-${BACKLOG_TO_MS} ms after the end (backlog, bound 0)`, rec.upstreamBacklog],
  ];
  return formatTable(['upstream and recovery', 'value'], rows);
}

function logs(r: OverloadReport): string {
  const lines = [`  lines printed after start: ${r.logs.lines}${r.warmFailures > 0 ? `; warm-up connections failed: ${r.warmFailures}` : ''}`];
  for (const example of r.logs.examples) lines.push(`    ${example}`);
  if (r.logs.stderrTail.trim() !== '') lines.push('  stderr (end):', ...r.logs.stderrTail.trim().split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}

function violations(v: Violations): string {
  if (v.total === 0) return '  none';
  return v
    .entries()
    .map((e) => [`  ${e.kind}: ${e.count}`, ...e.examples.map((x) => `    - ${x}`)].join('\n'))
    .join('\n');
}

export function formatOverloadReport(r: OverloadReport): string {
  return [
    `overload test: ${r.settings}; load ${(r.loadMs / 1000).toFixed(1)} s, wall ${(r.wallMs / 1000).toFixed(1)} s`,
    section('requests', requests(r)),
    section('errors', codes(r.tally)),
    section('latency', latency(r.figures, r.testProcess)),
    section('memory', memory(r.figures)),
    section('upstream and recovery', upstreamAndRecovery(r)),
    section(`gateway log (LOG_LEVEL as run)`, logs(r)),
    section('violations', violations(r.violations)),
  ].join('\n');
}
