/**
 * `npm start` (the compiled dist/main.js) whose log cannot be written: stdout on /dev/full, where every write
 * fails with ENOSPC, as it does for a log redirected to a file on a full disk. The gateway must start, stay up,
 * serve, say once on stderr that its log lines are dropped, and end cleanly on SIGTERM.
 *
 * Before the fix, the first failed write was an 'error' event with no listener (pino's passes on all but EPIPE):
 * the process began to exit, and its exit hooks' synchronous flush looped forever (sonic-boom's flushSync retries
 * every error but EAGAIN), so it neither answered nor ended, SIGTERM included (src/log-output.ts).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { buildGateway } from '../support/gateway-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** How long after it first answered the process must still be up and answering. */
const STAYS_UP_MS = 2000;
const QUERY = '{ externalConnections(first: 2) { nodes { connectionId } } }';

/** The answer to QUERY, or undefined while nothing answers on the port. */
async function ask(port: number): Promise<unknown> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
      signal: AbortSignal.timeout(2000),
    });
    return await response.json();
  } catch {
    return undefined;
  }
}

// /dev/full is Linux's (CI runs on Linux); elsewhere there is no file that fails every write.
describe.skipIf(!existsSync('/dev/full'))('npm start whose log output fails (stdout on a full disk)', () => {
  beforeAll(() => buildGateway(), 120_000);

  let stop: (() => void) | undefined;
  afterAll(() => stop?.());

  it('serves, stays up, says so once on stderr, and ends cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const full = openSync('/dev/full', 'w');
    // The embedded service (no UPSTREAM_URL), so that the query has data to answer with.
    const { UPSTREAM_URL: _unset, ...env } = process.env;
    // (stdout is a file descriptor, stderr a pipe: the spawn overloads name no such mix.)
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ERROR_SHAPE: '' },
      stdio: ['ignore', full, 'pipe'],
    }) as ChildProcessByStdio<null, null, Readable>;
    closeSync(full);
    stop = () => child.kill('SIGKILL');
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const running = () => child.exitCode === null && child.signalCode === null;

    const expected = { data: { externalConnections: { nodes: [{ connectionId: 'contosohr' }, { connectionId: 'contosotickets' }] } } };
    let answer: unknown;
    for (const startBy = Date.now() + 20_000; answer === undefined && running() && Date.now() < startBy; ) {
      answer = await ask(port);
      if (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer).toEqual(expected);

    // Its start line and the request's log line have been written (and failed) by now; it is still serving.
    await new Promise((resolve) => setTimeout(resolve, STAYS_UP_MS));
    expect(running()).toBe(true);
    expect(await ask(port)).toEqual(expected);
    expect(stderr).toBe('log output failed (ENOSPC): the gateway goes on serving, its log lines are dropped from now on\n');

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    stop = undefined;
  });
});
