/**
 * `npm start` exactly as a user runs it (whatever it does: a build, tsx, node on compiled files), on a free
 * port, with every other setting at its default: the embedded OData service, LOG_LEVEL info. Its stdout
 * (a log line per request) is read and thrown away, as a log collector would; the bench only looks for the
 * line announcing the gateway's URL. Stopping it signals the processes doing the work (the leaves of its
 * process tree) by pid, so npm and the shell in between exit on their own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { leaves, readProcessTree } from './process-tree.js';
import { baseEnv } from './stack.js';

/** What main.ts prints once the gateway listens. */
const READY_LINE = /GraphQL gateway at (http:\/\/\S+)\/graphql\b/;

export interface NpmStart {
  /** The pid of npm itself, the root of the tree. */
  readonly pid: number;
  /** `http://host:port` of the gateway. */
  readonly url: string;
  /** Seconds from the spawn to the ready line (a build included, if `npm start` runs one). */
  readonly startupS: number;
  /** What the bench has read and discarded of the tree's stdout so far. */
  drained(): { bytes: number; lines: number };
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

async function signalTree(root: number, pick: 'leaves' | 'all', signal: NodeJS.Signals): Promise<void> {
  const tree = await readProcessTree(root);
  const pids = pick === 'leaves' ? leaves(tree) : tree.map((p) => p.pid).reverse();
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export async function startNpmStart(options: { cwd: string; readyTimeoutMs: number }): Promise<NpmStart> {
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: options.cwd,
    env: { ...baseEnv(), PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('npm start: no pid');

  let bytes = 0;
  let lines = 0;
  let pending = ''; // stdout not yet split into lines, only until the ready line
  let stderrTail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-2000);
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start: no "GraphQL gateway at …" line within ${options.readyTimeoutMs} ms\n${stderrTail}`)), options.readyTimeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited before it was ready (code ${code}, signal ${signal})\n${stderrTail}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      pending += chunk.toString('utf8');
      const match = READY_LINE.exec(pending);
      if (match) {
        clearTimeout(timer);
        pending = '';
        resolve(match[1]!);
      } else {
        pending = pending.slice(-4096);
      }
    });
  }).catch(async (error: unknown) => {
    await signalTree(pid, 'all', 'SIGKILL');
    throw error;
  });
  const startupS = (performance.now() - started) / 1000;
  // From here on stdout is only counted.
  child.stdout!.removeAllListeners('data');
  child.stdout!.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  });

  return {
    pid,
    url,
    startupS,
    drained: () => ({ bytes, lines }),
    async stop() {
      const gone = exited(child);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM to the gateway process (main.ts shuts down gracefully); the wrappers above it then exit.
      await signalTree(pid, 'leaves', 'SIGTERM');
      if (await within(gone, 15_000)) return;
      await signalTree(pid, 'all', 'SIGKILL');
      await gone;
    },
  };
}
