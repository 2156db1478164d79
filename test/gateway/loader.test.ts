import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamClient } from '../../src/odata/client.js';
import { ConnectionOperationsApi, type CallContext } from '../../src/odata/operations.js';
import { OperationLoader, allProperties } from '../../src/operation-loader.js';
import { createODataService, type ODataService } from '../../src/upstream/service.js';

describe('OperationLoader priming (real API over loopback)', () => {
  let upstream: ODataService;
  let client: UpstreamClient;
  let api: ConnectionOperationsApi;
  const call = (): CallContext => ({ headers: {}, deadline: Date.now() + 10_000 });

  beforeAll(async () => {
    upstream = createODataService();
    const root = await upstream.listen(0);
    client = new UpstreamClient({ serviceRoot: root, timeoutMs: 2000, connections: 4, retryMax: 0, retryAfterMaxSeconds: 0, retryBaseMs: 1 });
    api = new ConnectionOperationsApi(client, { connectionsPath: 'connections', batchMax: 20, batchMode: 'json', getConcurrency: 4, retryMax: 0, retryAfterMaxSeconds: 0, retryBaseMs: 1 });
  });
  afterAll(async () => {
    await client.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.reset();
    upstream.store.putOperation('c', { id: 'a', status: 'completed' });
  });

  it('answers a read covered by a list page without a request', async () => {
    const loader = new OperationLoader(api, call());
    const page = await api.readPage({ connectionId: 'c', options: { $select: 'id,status' } }, call());
    for (const node of page.nodes) loader.prime(node, new Set(['status']));
    upstream.clearRequests();
    expect(await loader.load('c', 'a', new Set(['status']))).toMatchObject({ id: 'a', status: 'completed' });
    expect(await loader.load('c', 'a', new Set())).toMatchObject({ id: 'a' });
    expect(upstream.requests).toHaveLength(0);
    // A property the list did not fetch still needs a read.
    await loader.load('c', 'a', new Set(['error']));
    expect(upstream.requests).toHaveLength(1);
  });

  it('answers reads after a write from the write result, and forgets deleted operations', async () => {
    const loader = new OperationLoader(api, call());
    const created = await api.create('c', { id: 'b', status: 'inprogress' as never }, call());
    loader.prime(created, allProperties);
    upstream.clearRequests();
    expect(await loader.load('c', 'b', allProperties)).toMatchObject({ id: 'b', status: 'inprogress' });
    expect(upstream.requests).toHaveLength(0);
    await api.remove('c', 'b', undefined, call());
    loader.forget('c', 'b');
    expect(await loader.load('c', 'b', allProperties)).toBeNull();
  });

  it('never shares between loaders', async () => {
    const one = new OperationLoader(api, call());
    const two = new OperationLoader(api, call());
    await one.load('c', 'a', allProperties);
    await two.load('c', 'a', allProperties);
    expect(upstream.requests).toHaveLength(2);
  });
});
