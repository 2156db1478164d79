/**
 * The memory of a process and all its descendants, read from Linux's /proc: the parent links from
 * /proc/<pid>/stat, the resident set sizes from /proc/<pid>/status (VmRSS now, VmHWM its peak), the command
 * line from /proc/<pid>/cmdline. The parsing is pure; only readProcessTree touches /proc.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface StatLine {
  pid: number;
  ppid: number;
  /** The executable's name as the kernel keeps it (at most 15 characters). */
  comm: string;
}

/**
 * `pid (comm) state ppid …`. comm may hold spaces and parentheses, so the fields after it are found from
 * the last `)`.
 */
export function parseStat(text: string): StatLine | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const ppid = Number(fields[1]);
  if (!Number.isSafeInteger(pid) || !Number.isSafeInteger(ppid)) return undefined;
  return { pid, ppid, comm: text.slice(open + 1, close) };
}

export interface ResidentMemory {
  /** VmRSS, bytes. */
  rss: number;
  /** VmHWM (peak resident set size), bytes. */
  peakRss: number;
}

/** VmRSS and VmHWM of a /proc/<pid>/status text; undefined when either is missing (a zombie, a kernel thread). */
export function parseStatus(text: string): ResidentMemory | undefined {
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const rss = kib('VmRSS');
  const peakRss = kib('VmHWM');
  return rss === undefined || peakRss === undefined ? undefined : { rss, peakRss };
}

/** `root` and every process below it, parents before their children (breadth first). */
export function descendants(root: number, processes: readonly StatLine[]): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of processes) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []).sort((a, b) => a - b));
  return tree;
}

/**
 * A /proc/<pid>/cmdline (arguments separated by NUL) as one line of at most `max` characters: when too
 * long, the program and the end of the line (where the script usually is), with `…` between.
 */
export function commandLine(raw: string, max = 80): string {
  const parts = raw.split('\0').filter((part) => part !== '');
  const line = parts.join(' ');
  if (line.length <= max) return line;
  const program = (parts[0] ?? '').slice(0, Math.floor(max / 3));
  return `${program} …${line.slice(line.length - (max - program.length - 2))}`;
}

export interface TreeProcess extends ResidentMemory {
  pid: number;
  ppid: number;
  /** Depth below the root (0 for the root). */
  depth: number;
  command: string;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined; // the process is gone, or not ours to read
  }
}

/** Every process now in /proc. */
async function allProcesses(): Promise<StatLine[]> {
  const names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const lines = await Promise.all(names.map(async (name) => parseStat((await readText(`/proc/${name}/stat`)) ?? '')));
  return lines.filter((line): line is StatLine => line !== undefined);
}

/** The process `root` and its descendants with their memory; processes that left meanwhile are skipped. */
export async function readProcessTree(root: number): Promise<TreeProcess[]> {
  const processes = await allProcesses();
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const depth = new Map<number, number>([[root, 0]]);
  const tree: TreeProcess[] = [];
  for (const pid of descendants(root, processes)) {
    const line = byPid.get(pid);
    const level = pid === root || !line ? 0 : (depth.get(line.ppid) ?? 0) + 1;
    depth.set(pid, level);
    const memory = parseStatus((await readText(`/proc/${pid}/status`)) ?? '');
    if (!line || !memory) continue;
    const command = commandLine((await readText(`/proc/${pid}/cmdline`)) ?? '') || `[${line.comm}]`;
    tree.push({ pid, ppid: line.ppid, depth: level, command, ...memory });
  }
  return tree;
}

/** The pids of `tree` that have no child in it: the processes doing the work, below their wrappers. */
export function leaves(tree: readonly TreeProcess[]): number[] {
  const parents = new Set(tree.map((p) => p.ppid));
  return tree.filter((p) => !parents.has(p.pid)).map((p) => p.pid);
}
