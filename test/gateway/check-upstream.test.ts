/**
 * `npm run check-upstream` (in-process, and as a process for its exit codes) against loopback upstreams serving each CSDL fixture: exit 0 when
 * the metadata matches, 1 on drift, 2 when it cannot be read; the Authorization it sends is never printed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUpstream } from '../../scripts/check-upstream-run.js';
import { startMetadataUpstream, type MetadataAnswer, type MetadataUpstream } from '../support/metadata-upstream.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/csdl/${name}`, import.meta.url), 'utf8');

/** `npm run check-upstream` in-process (what the script's process runs), with its output captured. */
async function check(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await checkUpstream(args, { UPSTREAM_URL: '', UPSTREAM_AUTHORIZATION: '', ...env }, { log: (line) => (stdout += `${line}\n`), error: (line) => (stderr += `${line}\n`) });
  return { code, stdout, stderr };
}

/** The script as a process: its exit codes and streams. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'scripts/check-upstream.ts', ...args], {
    env: { ...process.env, UPSTREAM_URL: '', UPSTREAM_AUTHORIZATION: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

let upstream: MetadataUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function serve(answer: MetadataAnswer): Promise<string> {
  upstream = await startMetadataUpstream(answer);
  return upstream.serviceRoot;
}

describe('npm run check-upstream', () => {
  it.each([
    ['v1.0.xml', 0, ['error shape: publicError', '  microsoft.graph.externalConnectors.connectionState: draft=1, ready=2, obsolete=3, limitExceeded=4, unknownFutureValue=5']],
    ['beta.xml', 0, ['error shape: publicError', 'info  another externalConnection type, microsoft.graph.externalConnection, is ignored']],
    ['beta-2020.xml', 0, ['error shape: errorDetail', 'info  the document has no externalConnection entity type (an older service)']],
    ['v1.0-new-member.xml', 0, ['cancelled is new to the gateway; it reads as UNKNOWN_FUTURE_VALUE']],
    ['v1.0-drift-renamed-status.xml', 1, ['DRIFT connectionOperation has no property status']],
    ['v1.0-drift-missing-member.xml', 1, ['DRIFT connectionOperationStatus has no member failed']],
    ['v1.0-drift-error-type.xml', 1, ['DRIFT connectionOperation.error is graph.resultInfo']],
    ['v1.0-drift-error-properties.xml', 1, ['DRIFT publicError has no property target']],
    ['v1.0-drift-connection-state-member.xml', 1, ['DRIFT connectionState has no member limitExceeded']],
    ['v1.0-drift-connection-state-type.xml', 1, ['DRIFT externalConnection.state is Edm.String, expected the enum connectionState']],
    ['v1.0-drift-connection-name.xml', 1, ['DRIFT externalConnection has no property name']],
    ['v1.0-drift-connection-operations.xml', 1, ['DRIFT externalConnection has no navigation property operations']],
  ])('%s → exit %i', async (name, exitCode, lines) => {
    const { code, stdout } = await check(['--url', await serve({ body: fixture(name) })]);
    expect(code).toBe(exitCode);
    for (const line of lines) expect(stdout).toContain(line);
  });

  it.each([
    [{ status: 401 }, '$metadata answered HTTP 401'],
    [{ body: '<html><body>proxy error' }, 'not well-formed XML'],
    [{ body: '<html></html>' }, 'not a CSDL document'],
    ['hang' as const, 'no complete answer to $metadata within 300 ms'],
  ])('%j → exit 2', async (answer, problem) => {
    const started = Date.now();
    const { code, stdout } = await check([], { UPSTREAM_URL: await serve(answer), UPSTREAM_TIMEOUT_MS: '300' });
    expect(code).toBe(2);
    expect(stdout).toContain("UNREADABLE (");
    expect(stdout).toContain(problem);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('is the script: the process exits with its code and prints its report (0, 1 and 2, on stdout and stderr)', async () => {
    const fine = await run(['--url', await serve({ body: fixture('v1.0.xml') })]);
    expect([fine.code, fine.stdout]).toEqual([0, expect.stringContaining('error shape: publicError')]);
    await upstream!.close();
    const drift = await run(['--url', await serve({ body: fixture('v1.0-drift-missing-member.xml') })]);
    expect([drift.code, drift.stdout]).toEqual([1, expect.stringContaining('DRIFT connectionOperationStatus has no member failed')]);
    const bad = await run(['--url', 'ftp://x']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('Invalid UPSTREAM_URL="ftp://x"')]);
  });

  it('exits 2 when nothing listens, and on a bad URL or argument', async () => {
    expect((await check(['--url', 'http://127.0.0.1:1/beta'])).code).toBe(2);
    const bad = await check(['--url', 'ftp://x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid UPSTREAM_URL="ftp://x"');
    const unknown = await check(['--nope']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('unknown argument "--nope"')]);
  });

  it('sends UPSTREAM_AUTHORIZATION and never prints it', async () => {
    const { code, stdout, stderr } = await check([], { UPSTREAM_URL: await serve({ body: fixture('v1.0.xml') }), UPSTREAM_AUTHORIZATION: 'Bearer secret-token-123' });
    expect(code).toBe(0);
    expect(upstream!.metadataRequests()).toEqual({ count: 1, authorization: 'Bearer secret-token-123' });
    expect(stdout + stderr).not.toContain('secret-token-123');
  });

  it('checks the embedded service without UPSTREAM_URL', async () => {
    const { code, stdout } = await check([]);
    expect(code).toBe(0);
    expect(stdout).toContain('(the embedded service;');
    expect(stdout).toContain('error shape: errorDetail');
  });
});
