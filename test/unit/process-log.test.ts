/**
 * createProcessLog (logger.ts): log lines are written in batches, and a plain line announced after them (the
 * start message scripts wait for) must not overtake lines still waiting in a batch.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

async function run(lines: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/support/process-log-child.ts', String(lines)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
  return stdout.split('\n').filter((line) => line !== '');
}

describe('createProcessLog', () => {
  it.each([3, 400])('announces after all %i lines logged before it, every one of them written', async (count) => {
    const output = await run(count);
    expect(output).toHaveLength(count + 1);
    expect(output.at(-1)).toBe('ANNOUNCED');
    const indexes = output.slice(0, -1).map((line) => (JSON.parse(line) as { index: number }).index);
    expect(indexes).toEqual([...Array(count).keys()]);
  });
});
