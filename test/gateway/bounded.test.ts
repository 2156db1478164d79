/**
 * Hard bounds whatever the upstream or the clients do (issue 10): whole-call timeouts against trickled
 * bodies, the request deadline with partial data, cancellation when clients leave, a slow path that cannot
 * take the whole pool, admission control, a bounded upstream queue, writes never cut into an unknown state
 * silently, and a per-request budget enforced at run time. All over loopback, against the hostile upstream.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayOver, startHostileUpstream, type GatewayUnderTest, type HostileScript, type HostileUpstream } from '../support/hostile-upstream.js';
import type { GatewayConfig } from '../../src/config.js';

const entity = (id: string, status = 'completed') => ({ id, status, '@odata.etag': `W/"${id}"` });

/** The connection and operation of an entity GET (`/beta/connections/{c}/operations/{o}?…`). */
function keyOf(url: string): { connectionId: string; operationId: string | undefined } {
  const parts = url.split('?')[0]!.split('/').map(decodeURIComponent);
  const at = parts.indexOf('connections');
  return { connectionId: parts[at + 1]!, operationId: parts[at + 3] };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A trickled entity: headers at once, then a long body one byte every 50 ms (it would take minutes). */
const trickled = (id: string) => ({ status: 200, body: { ...entity(id), padding: 'x'.repeat(4000) }, trickleMs: 50 });

let upstream: HostileUpstream | undefined;
let gateway: GatewayUnderTest | undefined;
afterEach(async () => {
  await gateway?.close();
  await upstream?.close();
  gateway = undefined;
  upstream = undefined;
});

describe('bounded whatever the upstream or the clients do', () => {

  async function start(script: HostileScript, config: Partial<GatewayConfig> = {}) {
    upstream = await startHostileUpstream(script);
    gateway = await startGatewayOver(upstream.serviceRoot, config);
    return { upstream, gateway };
  }

  it('bounds one upstream call as a whole: a body trickled a byte at a time ends at UPSTREAM_TIMEOUT_MS', async () => {
    const { upstream, gateway } = await start((request) => trickled(keyOf(request.url).operationId!), { upstreamTimeoutMs: 400, requestDeadlineMs: 5000 });
    const started = Date.now();
    const result = await gateway.gql('{ connectionOperation(connectionId: "c", operationId: "a") { status } }');
    const elapsed = Date.now() - started;
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(result.data).toEqual({ connectionOperation: null });
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(1200);
    // The socket was closed, not left trickling.
    await until(() => upstream.openAnswers() === 0);
    expect(upstream.abandonedAnswers()).toBe(1);
  });

  it('answers by REQUEST_DEADLINE_MS with the data that arrived and a typed error for the rest', async () => {
    const { gateway } = await start(
      (request) => (keyOf(request.url).connectionId === 'slow' ? { status: 200, hold: true } : { status: 200, body: entity(keyOf(request.url).operationId!) }),
      { upstreamTimeoutMs: 60_000, requestDeadlineMs: 600, batchMode: 'off' },
    );
    const started = Date.now();
    const result = await gateway.gql(`{
      fast: connectionOperation(connectionId: "fast", operationId: "a") { operationId status }
      slow: connectionOperation(connectionId: "slow", operationId: "b") { operationId status }
    }`);
    const elapsed = Date.now() - started;
    expect(result.data).toEqual({ fast: { operationId: 'a', status: 'COMPLETED' }, slow: null });
    expect(result.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['slow', 'UPSTREAM_TIMEOUT']]);
    // The documented slack: the deadline plus the time to finish and send the response.
    expect(elapsed).toBeLessThan(600 + 250);
  });

  it('stops a request’s pending reads and frees their sockets when its client goes away', async () => {
    const { upstream, gateway } = await start((request) => trickled(keyOf(request.url).operationId!), {
      upstreamTimeoutMs: 60_000,
      requestDeadlineMs: 60_000,
      batchMode: 'off',
    });
    const clients = Array.from({ length: 8 }, () => new AbortController());
    const pending = clients.map((client, i) =>
      gateway
        .gql(`{ a: connectionOperation(connectionId: "c${i}", operationId: "a") { status } b: connectionOperation(connectionId: "c${i}", operationId: "b") { status } }`, undefined, {}, client.signal)
        .catch((error: Error) => error.name),
    );
    await until(() => upstream.openAnswers() === 16);
    for (const client of clients) client.abort();
    expect(await Promise.all(pending)).toEqual(Array(8).fill('AbortError'));
    const left = Date.now();
    await until(() => upstream.openAnswers() === 0, 2000);
    expect(Date.now() - left).toBeLessThan(1000);
    expect(upstream.abandonedAnswers()).toBe(16);
    expect(gateway.gateway.upstreamSlots.active).toBe(0);
    await until(() => gateway.gateway.admission.active === 0);
    // No retry or follow-up was sent for the abandoned reads.
    expect(upstream.requests).toHaveLength(16);
  });

  it('keeps a slow path from taking the whole pool: a healthy read gets data while trickling answers fill it', async () => {
    const { upstream, gateway } = await start(
      (request) => (keyOf(request.url).connectionId === 'slow' ? trickled('s') : { status: 200, body: entity(keyOf(request.url).operationId!) }),
      { upstreamConnections: 4, upstreamTimeoutMs: 10_000, requestDeadlineMs: 10_000, batchMode: 'off' },
    );
    const clients = Array.from({ length: 6 }, () => new AbortController());
    const slow = clients.map((client, i) =>
      gateway.gql(`{ connectionOperation(connectionId: "slow", operationId: "s${i}") { status } }`, undefined, {}, client.signal).catch(() => undefined),
    );
    // A quarter of the pool stays free of any one lane: 3 of the 4 connections trickle, the rest wait.
    await until(() => upstream.openAnswers() === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.openAnswers()).toBe(3);
    const started = Date.now();
    const healthy = await gateway.gql('{ connectionOperation(connectionId: "healthy", operationId: "h") { operationId status } }');
    expect(healthy.data).toEqual({ connectionOperation: { operationId: 'h', status: 'COMPLETED' } });
    expect(Date.now() - started).toBeLessThan(1000);
    for (const client of clients) client.abort();
    await Promise.all(slow);
  });

  it('refuses GraphQL requests past MAX_CONCURRENT_REQUESTS at once with OVERLOADED, 503 and Retry-After', async () => {
    let holding = true;
    const { upstream, gateway } = await start((request) => (holding ? { status: 200, hold: true } : { status: 200, body: entity(keyOf(request.url).operationId!) }), {
      maxConcurrentRequests: 2,
      requestDeadlineMs: 60_000,
      upstreamTimeoutMs: 60_000,
    });
    const clients = [new AbortController(), new AbortController()];
    const held = clients.map((client) =>
      gateway.gql('{ connectionOperation(connectionId: "c", operationId: "a") { status } }', undefined, {}, client.signal).catch(() => undefined),
    );
    await until(() => upstream.requests.length === 2);
    const started = Date.now();
    const refused = await gateway.gql('{ connectionOperation(connectionId: "c", operationId: "b") { status } }');
    expect(Date.now() - started).toBeLessThan(200);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.errors).toEqual([{ message: expect.stringContaining('capacity'), extensions: { code: 'OVERLOADED', retryAfter: 1 } }]);
    expect(upstream.requests).toHaveLength(2);
    // GraphiQL and health checks are not GraphQL executions: still served.
    expect((await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } })).status).toBe(200);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    // Places come back when clients leave.
    holding = false;
    for (const client of clients) client.abort();
    await Promise.all(held);
    await until(() => gateway.gateway.admission.active === 0);
    const served = await gateway.gql('{ connectionOperation(connectionId: "c", operationId: "b") { status } }');
    expect(served.data).toEqual({ connectionOperation: { status: 'COMPLETED' } });
  });

  it('refuses new requests at once while admitted work waits for the upstream longer than a quarter of the deadline', async () => {
    const { upstream, gateway } = await start(() => ({ status: 200, hold: true }), {
      upstreamConnections: 1,
      requestDeadlineMs: 2000,
      batchMode: 'off',
    });
    const first = gateway.gql('{ a: connectionOperation(connectionId: "c", operationId: "a") { status } b: connectionOperation(connectionId: "c", operationId: "b") { status } }');
    await until(() => upstream.requests.length === 1 && gateway.gateway.upstreamSlots.queued === 1);
    // Under a quarter of the deadline behind: still admitted (it waits in line too).
    const admitted = gateway.gql('{ connectionOperation(connectionId: "c", operationId: "c") { status } }');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const refused = await gateway.gql('{ connectionOperation(connectionId: "c", operationId: "d") { status } }');
    expect(refused.status).toBe(503);
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'OVERLOADED', retryAfter: 1 });
    expect(gateway.gateway.admission.active).toBe(2);
    expect((await admitted).errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    await first;
  });

  it('gives a client the request deadline to send its request: a body sent a byte at a time cannot hold a place', async () => {
    const { gateway } = await start((request) => ({ status: 200, body: entity(keyOf(request.url).operationId!) }), {
      maxConcurrentRequests: 1,
      requestDeadlineMs: 500,
    });
    const { port } = new URL(gateway.url);
    const slow = connect(Number(port), '127.0.0.1');
    let closed = false;
    slow.on('close', () => (closed = true));
    slow.on('error', () => undefined);
    slow.write('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{');
    const drip = setInterval(() => !slow.destroyed && slow.write(' '), 100);
    try {
      await until(() => gateway.gateway.admission.active === 1);
      expect((await gateway.gql('{ connectionOperation(connectionId: "c", operationId: "a") { status } }')).status).toBe(503);
      const started = Date.now();
      await until(() => closed, 3000);
      expect(Date.now() - started).toBeLessThan(2500);
      const served = await gateway.gql('{ connectionOperation(connectionId: "c", operationId: "a") { status } }');
      expect(served.data).toEqual({ connectionOperation: { status: 'COMPLETED' } });
    } finally {
      clearInterval(drip);
      slow.destroy();
    }
  });

  it('fails an upstream call at once with OVERLOADED when UPSTREAM_QUEUE_MAX calls already wait', async () => {
    const { gateway } = await start(() => ({ status: 200, hold: true }), {
      upstreamConnections: 1,
      upstreamQueueMax: 1,
      requestDeadlineMs: 500,
      batchMode: 'off',
    });
    const result = await gateway.gql(`{
      a: connectionOperation(connectionId: "c", operationId: "a") { status }
      b: connectionOperation(connectionId: "c", operationId: "b") { status }
      c: connectionOperation(connectionId: "c", operationId: "c") { status }
    }`);
    const codes = result.errors!.map((e) => e.extensions?.code).sort();
    // One call holds the connection, one waits, one finds the line full.
    expect(codes).toEqual(['OVERLOADED', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
    expect(result.errors!.find((e) => e.extensions?.code === 'OVERLOADED')!.extensions).toEqual({ code: 'OVERLOADED', retryAfter: 1 });
  });

  it('lets a write finish when its client leaves, and logs the answer no client could hear', async () => {
    const { upstream, gateway } = await start((request) => ({ status: 201, body: entity('w'), delayMs: 300 }), { requestDeadlineMs: 5000 });
    const client = new AbortController();
    const pending = gateway
      .gql('mutation { createConnectionOperation(connectionId: "c", input: { operationId: "w" }) { operationId } }', undefined, {}, client.signal)
      .catch((error: Error) => error.name);
    await until(() => upstream.requests.length === 1);
    client.abort();
    expect(await pending).toBe('AbortError');
    await until(() => gateway.logLines().some((line) => line.outcome === 'answered'));
    expect(upstream.abandonedAnswers()).toBe(0);
    expect(upstream.requests).toHaveLength(1);
    expect(gateway.logLines().filter((line) => line.outcome !== undefined)).toEqual([
      expect.objectContaining({ level: 40, method: 'POST', outcome: 'answered', status: 201, msg: expect.stringContaining('after its client left') }),
    ]);
  });

  it('reports a write cut by the deadline as outcomeUnknown, and logs it', async () => {
    const { gateway } = await start(() => ({ status: 200, hold: true }), { requestDeadlineMs: 300 });
    const result = await gateway.gql('mutation { createConnectionOperation(connectionId: "c", input: { operationId: "w" }) { operationId } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', outcomeUnknown: true });
    expect(gateway.logLines().filter((line) => line.outcome !== undefined)).toEqual([expect.objectContaining({ method: 'POST', outcome: 'unknown' })]);
  });

  it('holds the per-request budget at run time: upstream requests (nextLinks included) and response bytes', async () => {
    let served = 0;
    const { upstream, gateway } = await start(
      () => ({ status: 200, body: { value: [entity(`n${++served}`)], '@odata.nextLink': `${upstream!.serviceRoot}/connections/c/operations?$skiptoken=${served}` } }),
      { maxUpstreamRequests: 3 },
    );
    const paged = await gateway.gql('{ connectionOperations(connectionId: "c", first: 10) { nodes { operationId } } }');
    expect(paged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(paged.errors?.[0]?.message).toContain('MAX_UPSTREAM_REQUESTS');
    expect(upstream.requests).toHaveLength(3);
  });

  it('stops reading once the upstream answers of a request pass MAX_RESPONSE_BYTES: UPSTREAM_ERROR when it sent far more than asked', async () => {
    // Asked for 10 nodes (at 64 KiB each, 640 KiB would do); the upstream, ignoring $top, sends a page of 15 MiB.
    const { upstream, gateway } = await start(() => ({ status: 200, body: { value: Array.from({ length: 240 }, (_, i) => ({ ...entity(`o${i}`), padding: 'x'.repeat(64 * 1024) })) } }), {
      maxResponseBytes: 4 * 1024 * 1024,
    });
    const result = await gateway.gql('{ connectionOperations(connectionId: "c", first: 10) { nodes { operationId } } }');
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR' });
    expect(result.errors?.[0]?.message).toContain('MAX_RESPONSE_BYTES');
    expect(result.errors?.[0]?.message).toContain('at most 10 nodes');
    expect(upstream.requests).toHaveLength(1);
  });

  it('is BAD_USER_INPUT when the request asked for more nodes than MAX_RESPONSE_BYTES holds', async () => {
    const { upstream, gateway } = await start(() => ({ status: 200, body: { value: Array.from({ length: 20 }, (_, i) => ({ ...entity(`o${i}`), padding: 'x'.repeat(16 * 1024) })) } }), {
      maxResponseBytes: 128 * 1024,
    });
    // 1000 nodes at up to 64 KiB each do not fit 128 KiB: the request asked for too much.
    const result = await gateway.gql('{ connectionOperations(connectionId: "c", first: 1000) { nodes { operationId } } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(result.errors?.[0]?.message).toContain('ask for fewer nodes');
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('identity checks and bounded logs', () => {

  it('never fills a read from a $batch part id answered twice or not asked for, and logs each mismatch once, bounded', async () => {
    upstream = await startHostileUpstream((request) => {
      const { requests } = JSON.parse(request.body) as { requests: Array<{ id: string; url: string }> };
      const [a, b, c] = requests;
      const idOf = (url: string) => keyOf(url).operationId!;
      return {
        status: 200,
        body: {
          responses: [
            { id: a!.id, status: 200, body: entity(idOf(a!.url)) },
            { id: a!.id, status: 200, body: entity(idOf(a!.url), 'failed') }, // a answered twice
            { id: b!.id, status: 200, body: entity('k'.repeat(10_000)) }, // b answered with another, huge key
            { id: 'stray', status: 200, body: entity(idOf(c!.url)) }, // c's entity under an id never asked for
          ],
        },
      };
    });
    gateway = await startGatewayOver(upstream.serviceRoot);
    const result = await gateway.gql(`{
      a: connectionOperation(connectionId: "c", operationId: "a") { status }
      b: connectionOperation(connectionId: "c", operationId: "b") { status }
      c: connectionOperation(connectionId: "c", operationId: "c") { status }
    }`);
    expect(result.data).toEqual({ a: null, b: null, c: null });
    expect(result.errors?.map((e) => [e.path?.[0], e.extensions?.code]).sort()).toEqual([
      ['a', 'UPSTREAM_ERROR'],
      ['b', 'UPSTREAM_ERROR'],
      ['c', 'UPSTREAM_ERROR'],
    ]);
    const mismatches = gateway.logLines().filter((line) => line.kind !== undefined);
    expect(mismatches.map((line) => [line.asked, line.kind])).toEqual([
      ['a', 'duplicated part'],
      ['b', 'key'],
    ]);
    for (const line of mismatches) expect(JSON.stringify(line).length).toBeLessThan(600);
  });

  it('refuses an answer whose @odata.context names another connection (GET, page and federation _entities)', async () => {
    const otherContext = (root: string, suffix: string) => `${root}/$metadata#connections('someone-else')/operations${suffix}`;
    upstream = await startHostileUpstream((request) => {
      const { operationId } = keyOf(request.url);
      if (operationId === undefined) return { status: 200, body: { '@odata.context': otherContext(upstream!.serviceRoot, ''), value: [entity('x')] } };
      const context = otherContext(upstream!.serviceRoot, '/$entity');
      // Bare, or wrapped as `{"@odata.context", "value": {...}}` with the context on the wrapper.
      return { status: 200, body: operationId === 'wrapped' ? { '@odata.context': context, value: entity(operationId) } : { '@odata.context': context, ...entity(operationId) } };
    });
    gateway = await startGatewayOver(upstream.serviceRoot);
    for (const operationId of ['a', 'wrapped']) {
      const read = await gateway.gql(`{ connectionOperation(connectionId: "mine", operationId: "${operationId}") { status } }`);
      expect(read.data).toEqual({ connectionOperation: null });
      expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    }
    const page = await gateway.gql('{ connectionOperations(connectionId: "mine", first: 5) { nodes { operationId } } }');
    expect(page.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    const entities = await gateway.gql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on ConnectionOperation { status } } }',
      { r: [{ __typename: 'ConnectionOperation', connectionId: 'mine', operationId: 'a' }] },
    );
    expect(entities.data).toEqual({ _entities: [null] });
    expect(entities.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    // A context that names the right connection is fine.
    await upstream.close();
    upstream = await startHostileUpstream((request) => ({
      status: 200,
      body: { '@odata.context': `x/$metadata#connections('it''s%20mine')/operations/$entity`, ...entity(keyOf(request.url).operationId!) },
    }));
    await gateway.close();
    gateway = await startGatewayOver(upstream.serviceRoot);
    const right = await gateway.gql(`{ connectionOperation(connectionId: "it's mine", operationId: "a") { status } }`);
    expect(right).toMatchObject({ data: { connectionOperation: { status: 'COMPLETED' } } });
  });

  it('logs unknown enum members bounded: a prefix, once each, a bounded number of them', async () => {
    let n = 0;
    upstream = await startHostileUpstream(() => ({
      status: 200,
      body: { value: Array.from({ length: 10 }, (_, i) => ({ id: `o${i}`, status: `${n++}`.padEnd(1 << 20, 'z') })) },
    }));
    gateway = await startGatewayOver(upstream.serviceRoot, { maxResponseBytes: 12 * 1024 * 1024 });
    for (let i = 0; i < 20; i++) {
      const result = await gateway.gql('{ connectionOperations(connectionId: "c", first: 10) { nodes { status } } }');
      expect(result.data.connectionOperations.nodes[0]).toEqual({ status: 'UNKNOWN_FUTURE_VALUE' });
    }
    // 200 distinct members of 1 MiB each arrived; the log holds at most 100 short lines.
    const lines = gateway.logLines().filter((line) => line.member !== undefined);
    expect(lines).toHaveLength(100);
    expect(gateway.logBytes()).toBeLessThan(100 * 500);
  });
});
