/**
 * The IPC protocol between the bench (parent) and its child processes (upstream, gateway, bare, proxy).
 *
 * Children run in their own processes so that the load generator, the gateway and the upstream never share
 * an event loop: a shared loop would measure contention inside one process, not the gateway. IPC (rather
 * than HTTP control endpoints) keeps the bench's own bookkeeping off the sockets being measured.
 *
 * Parent → child: `{ id, name }`. Child → parent: one `ready` message once listening, then one `reply` per
 * command. Everything crossing the boundary is checked by the guards below before it is trusted.
 */
import { isCount, isRecord } from './guards.js';

/** What the upstream saw since the previous `stats` command (which resets the counters). */
export interface UpstreamStats {
  /** Top-level HTTP requests (records without `batchPart`). */
  httpRequests: number;
  /** Top-level `POST …/$batch` requests. */
  batchPosts: number;
  /** Top-level GET requests. */
  gets: number;
  /** `$batch` parts executed (not HTTP requests). */
  batchParts: number;
  /** Path + query of the latest top-level requests (newest last, at most 5): lets the bench replay exactly
   * what the gateway sent when it benchmarks the proxy and the direct path. */
  recentUrls: string[];
}

/** Memory of a server child (the gateway, the bare server), in bytes. */
export interface MemoryReport {
  /** Current resident set size (`process.memoryUsage().rss`). */
  rss: number;
  /** Peak resident set size since start (`process.resourceUsage().maxRSS`, converted from KiB). */
  maxRss: number;
  /** V8 heap still in use right after a full GC: live data, so growth here (unlike RSS) means retention. */
  liveHeap: number;
}

/** CPU time the child process has used since it started (`process.cpuUsage()`, all its threads), in µs. */
export interface CpuReport {
  user: number;
  system: number;
}

/** Result type of each command. */
export interface CommandResults {
  stats: UpstreamStats;
  memory: MemoryReport;
  /** Served by every child. */
  cpu: CpuReport;
  /** Close the server and exit with code 0 (so `--cpu-prof` writes its profile). */
  shutdown: null;
}
export type CommandName = keyof CommandResults;
const COMMAND_NAMES: readonly CommandName[] = ['stats', 'memory', 'cpu', 'shutdown'];

export interface CommandMessage {
  id: number;
  name: CommandName;
}

export type ChildMessage =
  /** `twinUrl`: a second server of the same process (the gateway child's METRICS=off twin). */
  | { type: 'ready'; url: string; twinUrl?: string }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };


export function isCommandMessage(value: unknown): value is CommandMessage {
  return isRecord(value) && typeof value.id === 'number' && COMMAND_NAMES.some((name) => name === value.name);
}

export function isChildMessage(value: unknown): value is ChildMessage {
  if (!isRecord(value)) return false;
  if (value.type === 'ready') return typeof value.url === 'string' && (value.twinUrl === undefined || typeof value.twinUrl === 'string');
  if (value.type !== 'reply' || typeof value.id !== 'number') return false;
  return value.ok === true ? 'result' in value : value.ok === false && typeof value.error === 'string';
}

/** Guards for each command's result: the parent never trusts an IPC payload by type assertion alone. */
export const resultGuards: { [N in CommandName]: (value: unknown) => value is CommandResults[N] } = {
  stats: (value): value is UpstreamStats =>
    isRecord(value) &&
    isCount(value.httpRequests) &&
    isCount(value.batchPosts) &&
    isCount(value.gets) &&
    isCount(value.batchParts) &&
    Array.isArray(value.recentUrls) &&
    value.recentUrls.every((url) => typeof url === 'string'),
  memory: (value): value is MemoryReport => isRecord(value) && isCount(value.rss) && isCount(value.maxRss) && isCount(value.liveHeap),
  cpu: (value): value is CpuReport => isRecord(value) && isCount(value.user) && isCount(value.system),
  shutdown: (value): value is null => value === null,
};
