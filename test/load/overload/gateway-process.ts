/**
 * The gateway as a child process (`node --import tsx src/main.ts`: the sources, which `npm start` runs
 * compiled), so that the memory read from /proc is the gateway's alone: clients and the upstream run in the
 * test's own process. Through tsx it takes more memory than compiled, so the bounds hold for `npm start`.
 *
 * Its environment is this one without any gateway variable (a stray `PORT` or `MAX_CONCURRENT_REQUESTS` in
 * the caller's shell would silently change what is tested), plus the settings given. Its stdout is read to
 * the end, whatever it logs: an unread pipe would block a gateway that writes synchronously to it, and
 * the test would then measure its own pipe instead of the gateway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { configVariables } from '../../../src/config.js';

/** Repository root: three levels above this file. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** tsx compiles on first import: on a busy 2-core machine a start takes a few seconds. */
const START_TIMEOUT_MS = 30_000;
/** After SIGTERM the gateway closes within its SHUTDOWN_GRACE_MS; past this it is killed. */
const STOP_TIMEOUT_MS = 5_000;
const LOG_EXAMPLES = 5;
const LOG_EXAMPLE_CHARS = 300;
const STDERR_TAIL_CHARS = 4_000;

const READY_LINE = /GraphQL gateway at (http:\/\/\S+)\/graphql/;

export interface GatewayLogs {
  /** Lines the gateway printed after its start line (pino lines at the level asked for). */
  lines: number;
  /** The first few, truncated. */
  examples: string[];
  /** The end of its stderr. */
  stderrTail: string;
}

export class GatewayProcess {
  readonly pid: number;
  private readonly logs: GatewayLogs = { lines: 0, examples: [], stderrTail: '' };
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;
  private readonly removeExitHook: () => void;

  private constructor(private readonly child: ChildProcess, readonly url: string) {
    this.pid = child.pid!;
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    // If this process dies first (a crash, Ctrl-C), the gateway must not be left running.
    const hook = (): void => void child.kill('SIGKILL');
    process.once('exit', hook);
    this.removeExitHook = () => process.off('exit', hook);
  }

  /** Starts the gateway and resolves with it once it printed its URL. */
  static start(settings: Readonly<Record<string, string>>): Promise<GatewayProcess> {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const name of configVariables) delete env[name];
    Object.assign(env, settings);
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let gateway: GatewayProcess | undefined;
      let pending = '';
      let stderr = '';
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`the gateway did not start: ${why}\n${stderr.slice(-STDERR_TAIL_CHARS)}`));
      };
      const timer = setTimeout(() => fail(`no start line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (gateway) gateway.logLine(line);
          else {
            const match = READY_LINE.exec(line);
            if (!match) continue;
            clearTimeout(timer);
            gateway = new GatewayProcess(child, match[1]!);
            resolve(gateway);
          }
        }
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        if (gateway) gateway.logs.stderrTail = (gateway.logs.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
        else stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
      });
      child.once('error', (error) => fail(error.message));
      child.once('exit', (code, signal) => {
        if (gateway) gateway.exitCode = code;
        else fail(`it exited (code ${String(code)}, signal ${String(signal)}) before printing its URL`);
      });
    });
  }

  private logLine(line: string): void {
    if (line.trim() === '') return;
    this.logs.lines += 1;
    if (this.logs.examples.length < LOG_EXAMPLES) this.logs.examples.push(line.slice(0, LOG_EXAMPLE_CHARS));
  }

  /** Still running (it has not exited on its own, e.g. crashed under load). */
  get running(): boolean {
    return this.exitCode === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get logReport(): GatewayLogs {
    return { ...this.logs, examples: [...this.logs.examples] };
  }

  /** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. Resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(killer);
    }
    this.removeExitHook();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}
