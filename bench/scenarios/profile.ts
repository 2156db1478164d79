/**
 * Scenario 6 (BENCH_PROFILE=1): where the gateway spends CPU under the bench's load. The gateway child ran
 * with `--cpu-prof`; its profile is written when it exits, then summarised here.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Column, heading, markdownTable } from '../format.js';
import { parseCpuProfile, summarize } from '../cpu-profile.js';

const TOP = 15;

/**
 * The main-thread profile the process `pid` wrote into `dir`. V8 names files
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile and writes one per thread: tsx's module loader runs in
 * a worker thread (thread 1+), whose profile is module loading, not request handling.
 */
export async function findProfile(dir: string, pid: number): Promise<string | undefined> {
  const names = (await readdir(dir)).filter((name) => {
    const parts = name.split('.');
    return name.endsWith('.cpuprofile') && parts[3] === String(pid) && parts[4] === '0';
  });
  let newest: { path: string; mtime: number } | undefined;
  for (const name of names) {
    const path = join(dir, name);
    const { mtimeMs } = await stat(path);
    if (!newest || mtimeMs > newest.mtime) newest = { path, mtime: mtimeMs };
  }
  return newest?.path;
}

export async function formatProfile(path: string, projectRoot: string): Promise<string> {
  const profile = parseCpuProfile(JSON.parse(await readFile(path, 'utf8')) as unknown);
  const { functions, origins, busyMs, idleMs } = summarize(profile, projectRoot);
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
  const functionColumns: Column[] = [
    { header: '#', align: 'right' },
    { header: 'function' },
    { header: 'location' },
    { header: 'self ms', align: 'right' },
    { header: 'self %', align: 'right' },
  ];
  const functionRows = functions.slice(0, TOP).map((f, i) => [String(i + 1), f.name, f.location, f.selfMs.toFixed(0), pct(f.share)]);
  const originColumns: Column[] = [{ header: 'origin' }, { header: 'self ms', align: 'right' }, { header: 'self %', align: 'right' }];
  const originRows = origins.slice(0, 12).map((o) => [o.name, o.selfMs.toFixed(0), pct(o.share)]);
  return [
    heading('6. CPU profile of the gateway (BENCH_PROFILE=1)'),
    `${path}`,
    `Main thread only (tsx's module-loader thread writes its own profile and is left out). Busy ${busyMs.toFixed(0)} ms, idle ${idleMs.toFixed(0)} ms`,
    'over the whole life of the gateway child (scenarios 1–3, profiler overhead included). Shares are of busy time.',
    '',
    `Top ${TOP} functions by self time:`,
    '',
    markdownTable(functionColumns, functionRows),
    '',
    'Self time by origin:',
    '',
    markdownTable(originColumns, originRows),
  ].join('\n');
}
