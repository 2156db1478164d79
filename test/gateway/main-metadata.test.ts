/**
 * The start-time `$metadata` check of `npm start` (src/main.ts as a process): a drifted upstream gets one
 * warning naming the drift and is still served; an upstream that never answers `$metadata` delays the
 * start by at most UPSTREAM_TIMEOUT_MS, then a warning, then the gateway serves.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { startMetadataUpstream, type MetadataUpstream } from '../support/metadata-upstream.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/csdl/${name}`, import.meta.url), 'utf8');

let upstream: MetadataUpstream | undefined;
let running: GatewayProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await upstream?.close();
  upstream = undefined;
});

/** src/main.ts as a process (what `npm start` runs, from source). */
function start(env: Record<string, string>): GatewayProcess {
  running = startGatewayProcess({ run: 'source', env });
  return running;
}

async function operationStatus(url: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") { status } }' }),
  });
  return response.json();
}

describe('npm start: the $metadata check', () => {
  it('warns once, naming the drift, and still serves', async () => {
    upstream = await startMetadataUpstream({ body: fixture('v1.0-drift-missing-member.xml') });
    const gateway = start({ UPSTREAM_URL: upstream.serviceRoot });
    const { url } = await gateway.started;
    const warnings = gateway.logLines().filter((line) => String(line.msg).includes('$metadata'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, errorShape: 'publicError', drift: ['connectionOperationStatus has no member failed'] });
    expect(String(warnings[0]!.msg)).toContain('upstream $metadata DRIFT');
    expect(upstream.metadataRequests().count).toBe(1);
    expect(await operationStatus(url)).toEqual({ data: { connectionOperation: { status: 'FAILED' } } });
  });

  it('logs an info line when the upstream matches', async () => {
    upstream = await startMetadataUpstream({ body: fixture('v1.0.xml') });
    const gateway = start({ UPSTREAM_URL: upstream.serviceRoot });
    await gateway.started;
    const lines = gateway.logLines().filter((line) => String(line.msg).includes('$metadata'));
    expect(lines).toMatchObject([
      {
        level: 30,
        errorShape: 'publicError',
        info: expect.arrayContaining(['externalConnection.connectorId (Edm.String) is not mapped; ignored']),
        msg: expect.stringContaining('matches what the gateway maps'),
      },
    ]);
  });

  it('does not wait for a $metadata that never comes longer than UPSTREAM_TIMEOUT_MS', async () => {
    upstream = await startMetadataUpstream('hang');
    const began = Date.now();
    const gateway = start({ UPSTREAM_URL: upstream.serviceRoot, UPSTREAM_TIMEOUT_MS: '1000' });
    const { url } = await gateway.started;
    expect(gateway.logLines().filter((line) => String(line.msg).includes('$metadata'))).toMatchObject([
      { level: 40, errorShape: 'errorDetail', problem: 'no complete answer to $metadata within 1000 ms' },
    ]);
    expect(Date.now() - began).toBeLessThan(8000);
    expect(await operationStatus(url)).toEqual({ data: { connectionOperation: { status: 'FAILED' } } });
  });
});
