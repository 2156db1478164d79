import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const children: ChildProcess[] = [];

function start(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before printing: ${err}`)));
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('npm run upstream (src/main.ts)', () => {
  it('starts on a free port with sample data and exits 0 on SIGTERM', async () => {
    const child = start({ PORT: '0', HOST: '' });
    const line = await firstLine(child);
    const match = /^OData service root: (http:\/\/127\.0\.0\.1:\d+\/beta)$/.exec(line);
    expect(match, line).not.toBeNull();
    const root = match?.[1] ?? '';

    const metadata = await fetch(`${root}/$metadata`);
    expect(metadata.status).toBe(200);
    expect(await metadata.text()).toContain('EntityType Name="connectionOperation"');

    const list = await fetch(`${root}/connections/contosohr/operations?$count=true&$top=3`);
    const body = (await list.json()) as { '@odata.count': number; value: unknown[] };
    expect(body['@odata.count']).toBeGreaterThanOrEqual(25);
    expect(body.value).toHaveLength(3);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('ODATA_API_VERSION=v1.0 serves the v1.0 mode at /v1.0, sample errors as publicError', async () => {
    const child = start({ PORT: '0', ODATA_API_VERSION: 'v1.0' });
    const line = await firstLine(child);
    const root = /^OData service root: (http:\/\/127\.0\.0\.1:\d+\/v1\.0)$/.exec(line)?.[1];
    expect(root, line).toBeDefined();
    expect(await (await fetch(`${root}/$metadata`)).text()).toContain('<ComplexType Name="publicError">');
    const op = (await (await fetch(`${root}/external/connections/contosohr/operations/hr-op-004`)).json()) as { error: Record<string, unknown> };
    expect(op.error).toMatchObject({ code: 'SchemaValidationFailed', target: 'schema' });
    expect((await fetch(`${root}/connections/contosohr/operations`)).status).toBe(404);
  });

  it('rejects an invalid ODATA_API_VERSION with one clear line', async () => {
    const child = start({ ODATA_API_VERSION: 'v2' });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(err.trim()).toBe('Invalid ODATA_API_VERSION="v2": expected beta or v1.0.');
  });

  it('rejects an invalid PORT with one clear line', async () => {
    const child = start({ PORT: 'eighty' });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(err.trim()).toBe('Invalid PORT="eighty": expected an integer from 0 to 65535 (0 = any free port).');
  });
});
