/**
 * The gateway as a child process, for tests of the process itself: whether it starts, stays up, what it logs
 * and how it ends. `dist` runs what `npm start` runs (the compiled dist/main.js: call {@link buildGateway}
 * first); `source` runs src/main.ts through tsx, as the other process tests do.
 */
import { execFile, spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Compiles src/ to dist/ as `npm start` does (`tsc -b`, incremental: nothing to do when dist/ is up to date;
 * a fresh clone has no dist/ at all, and takes some seconds).
 */
export async function buildGateway(): Promise<void> {
  await promisify(execFile)('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: ROOT });
}

export interface GatewayProcess {
  child: ChildProcess;
  /** Its GraphQL URL and when (Date.now()) it printed its start line; rejects if it ends before that. */
  started: Promise<{ url: string; at: number }>;
  /** How it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it is still running. */
  running(): boolean;
  /** Its JSON log lines so far. */
  logLines(): Array<Record<string, unknown>>;
  /** What it wrote to stderr so far (a crash's stack trace, say). */
  stderr(): string;
  /** SIGTERM, then waits until it ended (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

export interface GatewayProcessOptions {
  /** `dist` (default): node dist/main.js; `source`: src/main.ts through tsx. */
  run?: 'dist' | 'source';
  /** Its environment, over the test's own with PORT=0, LOG_LEVEL=info and ERROR_SHAPE unset. */
  env: Record<string, string>;
  /** Node options before the script (`--expose-gc`, `--import` of a probe). */
  nodeOptions?: string[];
  /** An IPC channel to it (`child.send`, and `process.send` in the gateway's process). */
  ipc?: boolean;
}

export function startGatewayProcess({ run = 'dist', env, nodeOptions = [], ipc = false }: GatewayProcessOptions): GatewayProcess {
  const args = run === 'dist' ? ['dist/main.js'] : ['--conditions=source', '--import', 'tsx', 'src/main.ts'];
  // (stdout and stderr are pipes: a fourth stdio entry only loses the spawn overload that says so.)
  const child = spawn(process.execPath, [...nodeOptions, ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ERROR_SHAPE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', ipc ? 'ipc' : 'ignore'],
  }) as ChildProcessByStdio<null, Readable, Readable>;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const started = new Promise<{ url: string; at: number }>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /GraphQL gateway at (http:\/\/\S+\/graphql)/.exec(stdout);
      if (match) resolve({ url: match[1]!, at: Date.now() });
    });
    void exited.then(({ code, signal }) => reject(new Error(`the gateway ended (${code ?? signal}) before its start line: ${stderr}`)));
  });
  // A test that never asks whether it started must not turn an early end into an unhandled rejection.
  started.catch(() => undefined);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    started,
    exited,
    running,
    logLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stderr: () => stderr,
    async stop() {
      if (!running()) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
