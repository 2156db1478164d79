import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../support/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { serveGateway } from '../../src/server.js';
import { createODataService } from '@odata-gateway/odata-service';
import { startStack } from '../support/stack.js';

describe('health, readiness and shutdown', () => {
  it('answers /health always and /ready only while the upstream answers', async () => {
    const stack = await startStack();
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
    const ready = await fetch(`${stack.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    await stack.upstream.close();
    const notReady = await fetch(`${stack.url}/ready`);
    expect(notReady.status).toBe(503);
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
    await stack.close();
  });

  it('finishes in-flight requests on shutdown, then refuses new connections', async () => {
    const stack = await startStack();
    stack.upstream.store.putOperation('c1', { id: 'slow', status: 'completed' });
    stack.upstream.faults.add({ fault: { type: 'latency', ms: 400 } });
    const inFlight = stack.gql('{ connectionOperation(connectionId: "c1", operationId: "slow") { operationId status } }');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = stack.close();
    const result = await inFlight;
    const answeredAt = performance.now();
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperation).toEqual({ operationId: 'slow', status: 'COMPLETED' });
    await closing;
    // The answer's keep-alive connection was closed as soon as it was sent, not left idle until the grace
    // period (1 s here) cut it.
    expect(performance.now() - answeredAt).toBeLessThan(500);
    await expect(fetch(`${stack.url}/health`)).rejects.toThrow();
  });
});

describe('logs', () => {
  it('log each request with its request id, and never a token or an upstream address', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const upstream = createODataService();
    const serviceRoot = await upstream.listen(0);
    upstream.store.putOperation('c1', { id: 'a', status: 'completed' });
    const config = testConfig({ port: 0, retryMax: 0 });
    const gateway = createGateway({ config, serviceRoot, log: createLogger('debug', sink) });
    const running = await serveGateway(gateway, 0, '127.0.0.1');
    const secret = 'Bearer super-secret-token-123';
    const ask = (query: string) =>
      fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: secret, 'client-request-id': 'trace-me-1' },
        body: JSON.stringify({ query }),
      }).then((r) => r.json());
    await ask('query Ok { connectionOperation(connectionId: "c1", operationId: "a") { id } }');
    upstream.faults.add({ fault: { type: 'status', status: 500 } });
    await ask('query Broken { connectionOperation(connectionId: "c1", operationId: "a") { id } }');
    upstream.faults.add({ fault: { type: 'malformed' } });
    await ask('query Malformed { connectionOperation(connectionId: "c1", operationId: "a") { id } }');
    await running.close(100);
    await upstream.close();

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((e) => e.msg === 'graphql request');
    expect(requests.map((e) => [e.operationName, e.clientRequestId, e.errors])).toEqual([
      ['Ok', 'trace-me-1', undefined],
      ['Broken', 'trace-me-1', ['UPSTREAM_ERROR']],
      ['Malformed', 'trace-me-1', ['UPSTREAM_ERROR']],
    ]);
    const all = lines.join('\n');
    expect(all).not.toContain('super-secret-token-123');
    expect(all).not.toContain(serviceRoot);
    expect(all).not.toMatch(/127\.0\.0\.1:\d+\/beta/);
  });
});
