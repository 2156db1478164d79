/**
 * The `npm start` entry (src/main.ts) as a process: configuration errors, the start message, serving the
 * embedded service's sample data, and a clean exit on SIGTERM and SIGINT.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /GraphQL gateway at (http:\/\/\S+\/graphql)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  started.catch(() => undefined); // awaited only by the tests that expect a start
  return { child, started, output: () => ({ stdout, stderr }) };
}

describe('npm start (src/main.ts)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves the sample data and exits 0 on %s, its log written out', async (signal) => {
    const { child, started, output } = start({ PORT: '0', LOG_LEVEL: 'info' });
    const url = await started;
    expect(output().stdout).toMatch(/embedded OData service with sample data at http:\/\/127\.0\.0\.1:\d+\/beta/);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") { id operationId status } }' }),
    });
    expect(await response.json()).toEqual({
      data: {
        connectionOperation: {
          id: encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'contosohr', operationId: 'hr-op-004' }),
          operationId: 'hr-op-004',
          status: 'FAILED',
        },
      },
    });
    // At once: the request's log line is still in the batch the logger writes every 250 ms, and must not be lost.
    child.kill(signal);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
    const lines = output().stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; status?: number });
    expect(lines.filter((line) => line.msg === 'graphql request').map((line) => line.status)).toEqual([200]);
    expect(lines.map((line) => line.msg)).toContain('shutting down');
  });

  it('stops on invalid configuration with one line per problem, never echoing the cursor secret', async () => {
    const { child, output } = start({ PORT: 'http', CONNECTIONS_PATH: 'nope', DEFAULT_PAGE_SIZE: '0', CURSOR_SECRET: 'too-short-secret' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(output().stderr.trim().split('\n')).toEqual([
      'Invalid PORT="http": expected a whole number from 0 to 65535.',
      'Invalid CONNECTIONS_PATH="nope": expected `connections` or `external/connections`.',
      'Invalid DEFAULT_PAGE_SIZE="0": expected a whole number from 1 to 1000.',
      'Invalid CURSOR_SECRET=<16 characters>: expected a key of at least 32 characters.',
    ]);
    expect(output().stderr).not.toContain('too-short-secret');
  });
});
