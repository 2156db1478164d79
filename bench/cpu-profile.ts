/**
 * Pure reading of a V8 `.cpuprofile` (as written by `node --cpu-prof`): self time per function and per
 * origin (package, Node internals, the gateway's own source). No I/O here.
 */
import { isNumberArray, isRecord } from './guards.js';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs since the previous sample. */
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** Where it lives, relative to the project root where possible. */
  location: string;
  selfMs: number;
  /** Share of all non-idle sampled time. */
  share: number;
}

export function parseCpuProfile(json: unknown): CpuProfile {
  if (!isRecord(json) || !Array.isArray(json.nodes) || !isNumberArray(json.samples) || !isNumberArray(json.timeDeltas)) {
    throw new Error('not a V8 CPU profile: expected nodes, samples and timeDeltas');
  }
  const nodes: ProfileNode[] = json.nodes.map((node: unknown) => {
    if (!isRecord(node) || typeof node.id !== 'number' || !isRecord(node.callFrame)) throw new Error('not a V8 CPU profile: malformed node');
    const frame = node.callFrame;
    return {
      id: node.id,
      callFrame: {
        functionName: typeof frame.functionName === 'string' ? frame.functionName : '',
        url: typeof frame.url === 'string' ? frame.url : '',
        lineNumber: typeof frame.lineNumber === 'number' ? frame.lineNumber : -1,
      },
    };
  });
  return { nodes, samples: json.samples, timeDeltas: json.timeDeltas };
}

/** Pseudo-frames V8 reports for time not spent in a JS function. */
const IDLE = '(idle)';

/** Self time per node id in µs. A sample's time is the gap until the next sample (as DevTools counts it). */
function selfMicros(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + Math.max(0, delta));
  }
  return self;
}

export function shortLocation(url: string, projectRoot: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const root = projectRoot.endsWith('/') ? projectRoot : `${projectRoot}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** Which package or part of the system a location belongs to. */
export function originOf(location: string, name: string): string {
  if (location === '') return name.startsWith('(') ? name : '(native)';
  if (location.startsWith('node:')) return 'node: internals';
  const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (pkg) return pkg[1]!;
  if (location.startsWith('src/')) return 'src/ (gateway)';
  if (location.startsWith('bench/')) return 'bench/';
  return location;
}

interface Totals {
  functions: SelfTime[];
  origins: SelfTime[];
  /** Non-idle sampled time. */
  busyMs: number;
  idleMs: number;
}

export function summarize(profile: CpuProfile, projectRoot: string): Totals {
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, { name: string; location: string; micros: number }>();
  const byOrigin = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, micros] of selfMicros(profile)) {
    const frame = nodeById.get(id)?.callFrame;
    if (!frame) continue;
    const name = frame.functionName || '(anonymous)';
    if (name === IDLE) {
      idle += micros;
      continue;
    }
    busy += micros;
    const file = shortLocation(frame.url, projectRoot);
    const location = file === '' ? '' : `${file}:${frame.lineNumber + 1}`;
    const key = `${name}\u0000${location}`;
    const entry = byFunction.get(key) ?? { name, location, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
    const origin = originOf(file, name);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
  }
  const share = (micros: number) => (busy > 0 ? micros / busy : 0);
  const functions = [...byFunction.values()]
    .map((f) => ({ name: f.name, location: f.location, selfMs: f.micros / 1000, share: share(f.micros) }))
    .sort((a, b) => b.selfMs - a.selfMs);
  const origins = [...byOrigin.entries()]
    .map(([name, micros]) => ({ name, location: '', selfMs: micros / 1000, share: share(micros) }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { functions, origins, busyMs: busy / 1000, idleMs: idle / 1000 };
}
