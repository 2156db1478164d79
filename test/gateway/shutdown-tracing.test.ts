/**
 * SIGTERM with tracing on while the OTLP collector is down or refuses the spans: the spans still buffered
 * cannot be exported at shutdown, which is worth a warning, and the process still ends cleanly (exit 0).
 * Before the fix the provider's rejected shutdown went up through the close to `npm start`'s signal handler as
 * an unhandled rejection: exit 1 with a stack trace, and the embedded service was never closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { startHostileUpstream, type HostileUpstream } from '../support/hostile-upstream.js';

let gateway: GatewayProcess | undefined;
let collector: HostileUpstream | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await collector?.close();
  collector = undefined;
});

/** Starts the gateway (embedded upstream) exporting spans to `endpoint`, makes spans, then SIGTERM. */
async function spansThenSigterm(endpoint: string) {
  gateway = startGatewayProcess({ run: 'source', env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint } });
  const { url } = await gateway.started;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") { status } }' }),
  });
  expect(await response.json()).toEqual({ data: { connectionOperation: { status: 'FAILED' } } });
  // Its spans wait in the batch processor (5 s by default): the shutdown is what tries to export them.
  gateway.child.kill('SIGTERM');
  const ended = await gateway.exited;
  const warnings = gateway.logLines().filter((line) => line.level === 40 && String(line.msg).includes('spans'));
  return { ended, stderr: gateway.stderr(), warnings, messages: gateway.logLines().map((line) => line.msg) };
}

describe('npm start with tracing on: SIGTERM while the collector fails', () => {
  it('ends with 0 when the collector refuses the spans (HTTP 400)', async () => {
    collector = await startHostileUpstream(() => ({ status: 400, body: 'no' }));
    const { ended, stderr, warnings, messages } = await spansThenSigterm(`${new URL(collector.serviceRoot).origin}/v1/traces`);
    expect(collector.requests.length).toBeGreaterThan(0);
    expect(stderr).toBe('');
    expect(ended).toEqual({ code: 0, signal: null });
    expect(messages).toContain('shutting down');
    expect(warnings).toHaveLength(1);
  });

  it('ends with 0 when the collector is unreachable', async () => {
    const { ended, stderr, warnings } = await spansThenSigterm(`http://127.0.0.1:${await freePort()}/v1/traces`);
    expect(stderr).toBe('');
    expect(ended).toEqual({ code: 0, signal: null });
    expect(warnings).toHaveLength(1);
  });
});
