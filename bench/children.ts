/**
 * The parent half of the IPC protocol: start a bench child (TypeScript via tsx), wait for it to listen,
 * send it commands, and stop it cleanly.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type CommandName, type CommandResults, type ChildMessage, isChildMessage, resultGuards } from './protocol.js';

export type ChildKind = 'upstream' | 'gateway' | 'bare' | 'proxy';

export interface StartOptions {
  /** Shown in error messages, e.g. `gateway (BATCH_MODE=off)`. */
  label: string;
  /** The child's complete environment. */
  env: NodeJS.ProcessEnv;
  /** Node flags beyond the tsx loader, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
}

export interface BenchChild {
  readonly label: string;
  readonly pid: number;
  /** What the child announced: the URL it serves. */
  readonly url: string;
  /** A second server of the same process, when it announced one. */
  readonly twinUrl: string | undefined;
  call<N extends CommandName>(name: N, timeoutMs?: number): Promise<CommandResults[N]>;
  /** `shutdown` and wait for the exit; kills the child if it does not leave in time. */
  stop(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function scriptOf(kind: ChildKind): string {
  return fileURLToPath(new URL(`./processes/${kind}.ts`, import.meta.url));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startChild(kind: ChildKind, options: StartOptions): Promise<BenchChild> {
  const child = fork(scriptOf(kind), [], {
    cwd: PROJECT_ROOT,
    env: options.env,
    execArgv: ['--conditions=source', '--import', 'tsx', ...(options.nodeFlags ?? [])],
    // stdout ignored: the report is the parent's; stderr inherited so a crashing child is never silent.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (message: Extract<ChildMessage, { type: 'reply' }>) => void>();
  let nextId = 1;

  const { url, twinUrl } = await new Promise<{ url: string; twinUrl: string | undefined }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.label}: not ready within ${options.readyTimeoutMs ?? 20_000} ms`)), options.readyTimeoutMs ?? 20_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.label}: exited before it was ready (code ${code}, signal ${signal})`));
    });
    child.on('message', (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({ url: message.url, twinUrl: message.twinUrl });
      } else {
        pending.get(message.id)?.(message);
      }
    });
  });

  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.label}: no pid`);

  function call<N extends CommandName>(name: N, timeoutMs = 10_000): Promise<CommandResults[N]> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${options.label}: no answer to ${name} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        pending.delete(id);
        if (!reply.ok) reject(new Error(`${options.label}: ${name} failed: ${reply.error}`));
        else if (!resultGuards[name](reply.result)) reject(new Error(`${options.label}: ${name} answered an unexpected shape`));
        else resolve(reply.result);
      });
      child.send({ id, name });
    });
  }

  return {
    label: options.label,
    pid,
    url,
    twinUrl,
    call,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = exited(child);
      try {
        await call('shutdown', 5_000);
      } catch {
        child.kill('SIGKILL'); // only this child, by its own handle
      }
      await gone;
    },
  };
}
