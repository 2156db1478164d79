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

  /** Every page from `first` to the end, following the links whole. */
  async function walk(first: string): Promise<Array<{ ids: string[]; next?: string; count?: number }>> {
    const pages: Array<{ ids: string[]; next?: string; count?: number }> = [];
    let url: string | undefined = first;
    while (url !== undefined) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      const body = (await res.json()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string; '@odata.count'?: number };
      pages.push({ ids: body.value.map((item) => item.id), next: body['@odata.nextLink'], count: body['@odata.count'] });
      url = body['@odata.nextLink'];
      expect(pages.length).toBeLessThan(100);
    }
    return pages;
  }

  it('pages like Graph by default: $skip refused, uneven pages, an empty page with a next link', async () => {
    const child = start({ PORT: '0', ODATA_PAGE_SIZE: '4' });
    const root = /^OData service root: (\S+)$/.exec(await firstLine(child))?.[1] ?? '';
    const skipped = await fetch(`${root}/connections/contosohr/operations?$skip=1`);
    expect(skipped.status).toBe(400);
    expect(((await skipped.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
    const pages = await walk(`${root}/connections/contosohr/operations?$count=true`);
    const all = pages.flatMap((page) => page.ids);
    expect(all).toHaveLength(pages[0]?.count ?? -1);
    expect(new Set(all).size).toBe(all.length);
    expect(pages.map((page) => page.ids.length).slice(0, 5)).toEqual([4, 3, 2, 0, 3]);
    expect(pages[3]?.next).toBeDefined();
  });

  it('ODATA_SKIP, ODATA_UNEVEN_PAGES, ODATA_EMPTY_PAGES and ODATA_IGNORE_TOP set the paging switches', async () => {
    const child = start({ PORT: '0', ODATA_PAGE_SIZE: '4', ODATA_SKIP: 'ignore', ODATA_UNEVEN_PAGES: 'false', ODATA_EMPTY_PAGES: '0', ODATA_IGNORE_TOP: 'true' });
    const root = /^OData service root: (\S+)$/.exec(await firstLine(child))?.[1] ?? '';
    const first = `${root}/connections/contosohr/operations?$top=2&$count=true`;
    const withSkip = await walk(`${first}&$skip=3`);
    const pages = await walk(first);
    expect(withSkip.flatMap((page) => page.ids)).toEqual(pages.flatMap((page) => page.ids)); // $skip ignored
    const total = pages[0]?.count ?? 0;
    expect(total).toBeGreaterThanOrEqual(25);
    // $top ignored: pages of the server's 4; no variation, no empty page.
    expect(pages.map((page) => page.ids.length)).toEqual([...Array<number>(Math.ceil(total / 4) - 1).fill(4), total - 4 * (Math.ceil(total / 4) - 1)]);
  });

  it.each([
    [{ ODATA_SKIP: 'honour' }, 'Invalid ODATA_SKIP="honour": expected refuse or ignore.'],
    [{ ODATA_UNEVEN_PAGES: 'yes' }, 'Invalid ODATA_UNEVEN_PAGES="yes": expected true or false.'],
    [{ ODATA_EMPTY_PAGES: 'never' }, 'Invalid ODATA_EMPTY_PAGES="never": expected true or false.'],
    [{ ODATA_IGNORE_TOP: '2' }, 'Invalid ODATA_IGNORE_TOP="2": expected true or false.'],
  ])('rejects invalid paging variables with one clear line: %j', async (env, message) => {
    const child = start(env);
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(err.trim()).toBe(message);
  });

  it('ODATA_OPERATION_DELAY_MS, ODATA_OPERATIONS_API, ODATA_SCHEMA_REGISTRATION and ODATA_CONNECTION_DELETION set the lifecycle', async () => {
    const child = start({ PORT: '0', ODATA_API_VERSION: 'v1.0', ODATA_OPERATIONS_API: 'seed', ODATA_OPERATION_DELAY_MS: '0', ODATA_CONNECTION_DELETION: 'accepted' });
    const root = /^OData service root: (\S+)$/.exec(await firstLine(child))?.[1] ?? '';
    const json = { 'content-type': 'application/json' };
    expect((await fetch(`${root}/external/connections/contosohr/operations?$top=1`)).status).toBe(200); // the seed API in v1.0
    expect((await fetch(`${root}/external/connections`, { method: 'POST', headers: json, body: JSON.stringify({ id: 'cli1', name: 'CLI', description: 'd' }) })).status).toBe(201);
    const schema = { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'string', isSearchable: true }] };
    const registered = await fetch(`${root}/external/connections/cli1/schema`, { method: 'PATCH', headers: json, body: JSON.stringify(schema) });
    expect(registered.status).toBe(202);
    const op = (await (await fetch(registered.headers.get('location')!)).json()) as { status: string };
    expect(op.status).toBe('completed'); // a delay of 0
    const deleted = await fetch(`${root}/external/connections/cli1`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    expect(deleted.headers.get('location')).toBeNull();
    expect((await fetch(`${root}/external/connections/cli1`)).status).toBe(404);

    const graph = start({ PORT: '0', ODATA_API_VERSION: 'v1.0', ODATA_OPERATION_DELAY_MS: 'Infinity', ODATA_SCHEMA_REGISTRATION: 'created' });
    const v1 = /^OData service root: (\S+)$/.exec(await firstLine(graph))?.[1] ?? '';
    expect((await fetch(`${v1}/external/connections/contosohr/operations`)).status).toBe(400); // the v1.0 default: Graph's API
    expect((await fetch(`${v1}/external/connections/fabrikamwiki/schema`, { method: 'PATCH', headers: json, body: JSON.stringify(schema) })).status).toBe(201);
    const deleting = await fetch(`${v1}/external/connections/fabrikamwiki`, { method: 'DELETE' });
    expect(deleting.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(((await (await fetch(deleting.headers.get('location')!)).json()) as { status: string }).status).toBe('inprogress'); // Infinity
  });

  it.each([
    [{ ODATA_OPERATION_DELAY_MS: '-1' }, 'Invalid ODATA_OPERATION_DELAY_MS="-1": expected a non-negative integer (milliseconds) or Infinity.'],
    [{ ODATA_OPERATION_DELAY_MS: '1.5' }, 'Invalid ODATA_OPERATION_DELAY_MS="1.5": expected a non-negative integer (milliseconds) or Infinity.'],
    [{ ODATA_OPERATIONS_API: 'rest' }, 'Invalid ODATA_OPERATIONS_API="rest": expected graph, seed.'],
    [{ ODATA_SCHEMA_REGISTRATION: 'sync' }, 'Invalid ODATA_SCHEMA_REGISTRATION="sync": expected operation, ok, created.'],
    [{ ODATA_CONNECTION_DELETION: '204' }, 'Invalid ODATA_CONNECTION_DELETION="204": expected operation, accepted, noContent.'],
  ])('rejects invalid lifecycle variables with one clear line: %j', async (env, message) => {
    const child = start(env);
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(err.trim()).toBe(message);
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
