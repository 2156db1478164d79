/**
 * `npm run check-upstream` as a process against loopback upstreams serving each CSDL fixture: exit 0 when
 * the metadata matches, 1 on drift, 2 when it cannot be read; the Authorization it sends is never printed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetadataUpstream, type MetadataAnswer, type MetadataUpstream } from '../support/metadata-upstream.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/csdl/${name}`, import.meta.url), 'utf8');

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
    const { code, stdout } = await run(['--url', await serve({ body: fixture(name) })]);
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
    const { code, stdout } = await run([], { UPSTREAM_URL: await serve(answer), UPSTREAM_TIMEOUT_MS: '300' });
    expect(code).toBe(2);
    expect(stdout).toContain("UNREADABLE (");
    expect(stdout).toContain(problem);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('exits 2 when nothing listens, and on a bad URL or argument', async () => {
    expect((await run(['--url', 'http://127.0.0.1:1/beta'])).code).toBe(2);
    const bad = await run(['--url', 'ftp://x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid UPSTREAM_URL="ftp://x"');
    expect((await run(['--nope'])).code).toBe(2);
  });

  it('sends UPSTREAM_AUTHORIZATION and never prints it', async () => {
    const { code, stdout, stderr } = await run([], { UPSTREAM_URL: await serve({ body: fixture('v1.0.xml') }), UPSTREAM_AUTHORIZATION: 'Bearer secret-token-123' });
    expect(code).toBe(0);
    expect(upstream!.metadataRequests()).toEqual({ count: 1, authorization: 'Bearer secret-token-123' });
    expect(stdout + stderr).not.toContain('secret-token-123');
  });

  it('checks the embedded service without UPSTREAM_URL', async () => {
    const { code, stdout } = await run([]);
    expect(code).toBe(0);
    expect(stdout).toContain('(the embedded service;');
    expect(stdout).toContain('error shape: errorDetail');
  });
});
