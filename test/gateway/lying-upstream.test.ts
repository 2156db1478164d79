import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedStack, type ScriptedStack } from '../support/scripted-upstream.js';

const entity = (id: string, status = 'failed') => ({ id, status, error: { errorCode: `secret-of-${id}`, message: 'm', details: [] }, '@odata.etag': `W/"${id}"` });

describe('an upstream that answers with the wrong thing', () => {
  let stack: ScriptedStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('never serves another entity under the requested key (plain GET, wrapped or bare)', async () => {
    let wrapped = false;
    stack = await startScriptedStack(() => ({ status: 200, body: wrapped ? { value: entity('b') } : entity('b') }));
    for (const wrap of [false, true]) {
      wrapped = wrap;
      const result = await stack.gql('{ connectionOperation(connectionId: "c", operationId: "a") { operationId status error { errorCode } etag } }');
      expect(result.data).toEqual({ connectionOperation: null });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(JSON.stringify(result)).not.toContain('secret-of-b');
    }
  });

  it('fails only the $batch parts whose entity carries another key (swapped, duplicated, misrouted)', async () => {
    stack = await startScriptedStack((request) => {
      const { requests } = JSON.parse(request.body) as { requests: Array<{ id: string; url: string }> };
      const idOf = (url: string) => decodeURIComponent(url.split('?')[0]!.split('/').at(-1)!);
      const [a, b, c, d] = requests;
      return {
        status: 200,
        body: {
          responses: [
            { id: a!.id, status: 200, body: entity(idOf(b!.url)) }, // swapped
            { id: b!.id, status: 200, body: entity(idOf(a!.url)) }, // swapped
            { id: c!.id, status: 200, body: entity(idOf(c!.url), 'completed') }, // right
            { id: d!.id, status: 200, body: entity(idOf(c!.url)) }, // duplicated c under d
          ],
        },
      };
    });
    const result = await stack.gql(`{
      a: connectionOperation(connectionId: "c", operationId: "a") { operationId status error { errorCode } }
      b: connectionOperation(connectionId: "c", operationId: "b") { operationId status error { errorCode } }
      c: connectionOperation(connectionId: "c", operationId: "c") { operationId status }
      d: connectionOperation(connectionId: "c", operationId: "d") { operationId status error { errorCode } }
    }`);
    expect(stack.requests).toHaveLength(1);
    expect(result.data).toEqual({ a: null, b: null, c: { operationId: 'c', status: 'COMPLETED' }, d: null });
    expect(result.errors?.map((e) => [e.path?.[0], e.extensions?.code]).sort()).toEqual([
      ['a', 'UPSTREAM_ERROR'],
      ['b', 'UPSTREAM_ERROR'],
      ['d', 'UPSTREAM_ERROR'],
    ]);
  });

  it('refuses a write answer that carries another key than the one written', async () => {
    stack = await startScriptedStack((request) => ({ status: request.method === 'POST' ? 201 : 200, body: entity('someone-else') }));
    const created = await stack.gql('mutation { createConnectionOperation(connectionId: "c", input: { operationId: "mine" }) { operationId } }');
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    const updated = await stack.gql('mutation { updateConnectionOperation(connectionId: "c", operationId: "mine", input: { status: FAILED }) { operationId } }');
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(stack.requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('never follows an @odata.nextLink that leaves the collection, and never sends it the caller’s token', async () => {
    let served = 0;
    const elsewhere = [
      (root: string) => `http://127.0.0.1:1/beta/connections/c/operations?$skiptoken=x`, // another port
      (root: string) => root.replace('http:', 'https:') + '/connections/c/operations?$skiptoken=x', // another scheme
      (root: string) => root.replace('127.0.0.1', 'localhost') + '/connections/c/operations?$skiptoken=x', // another host, same address
      (root: string) => root.replace('http://', 'http://user:pw@') + '/connections/c/operations?$skiptoken=x', // credentials
      (root: string) => `${root}/connections/other/operations?$skiptoken=x`, // another connection
      (root: string) => `${root}/connections/c/operations/../../../$metadata`, // a climb
      (root: string) => `${root}/connections/c/operations/x/..`, // a climb back into the collection
      (root: string) => `${root}/connections/c/x/%2E%2E/operations?$skiptoken=x`, // an encoded climb
      (root: string) => `${root}/connections/c%2F..%2Fother/operations?$skiptoken=x`, // an encoded slash
      (root: string) => `${root}/connections\\c/operations?$skiptoken=x`, // a backslash
      (root: string) => `${root}/connections/c/operations?$skiptoken=x#frag`, // a fragment
      (root: string) => `${root}/connections/c/operations?$skiptoken=${'x'.repeat(17_000)}`, // too long to seal
      () => '../other/operations?$skiptoken=x', // relative, into another connection
      () => '//evil.example/beta/connections/c/operations', // protocol-relative
      (root: string) => `${root}/connections/c/operations/x`,
      () => 'not a link at all',
      () => 'javascript:alert(1)',
    ];
    let next = elsewhere[0]!;
    stack = await startScriptedStack((request) => {
      served++;
      return { status: 200, body: { value: [entity(`n${served}`)], '@odata.nextLink': next(stack!.serviceRoot) } };
    });
    for (const link of elsewhere) {
      next = link;
      const before = stack.requests.length;
      // Whether the page needs the link (first: 5) or not (first: 1, where it would only be sealed into a cursor).
      for (const first of [5, 1]) {
        const result = await stack.gql(`{ connectionOperations(connectionId: "c", first: ${first}) { nodes { operationId } pageInfo { endCursor } } }`, undefined, { authorization: 'Bearer top-secret' });
        expect(result.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstreamStatus: 200 });
        expect(result.errors?.[0]?.message).toContain('leaves the collection');
        expect(JSON.stringify(result)).not.toContain(':1/beta');
      }
      // One request to the collection itself per query, none to the link.
      expect(stack.requests.length - before).toBe(2);
      expect(stack.requests.every((r) => r.url.startsWith('/beta/connections/c/operations?$select='))).toBe(true);
    }
  });

  it('follows a relative @odata.nextLink that stays in the collection (resolved against the page that sent it)', async () => {
    stack = await startScriptedStack((request) => {
      const page = new URL(request.url, 'http://x').searchParams.get('$skiptoken');
      if (page === null) return { status: 200, body: { value: [entity('a')], '@odata.nextLink': 'operations?$skiptoken=2' } };
      return { status: 200, body: { value: [entity(`p${page}`)] } };
    });
    const result = await stack.gql('{ connectionOperations(connectionId: "c", first: 5) { nodes { operationId } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data.connectionOperations.nodes).toEqual([{ operationId: 'a' }, { operationId: 'p2' }]);
    expect(stack.requests.map((r) => r.url.split('?')[0])).toEqual(['/beta/connections/c/operations', '/beta/connections/c/operations']);
    expect(stack.requests[1]!.url).toBe('/beta/connections/c/operations?$skiptoken=2');
  });

  it('sends a nextLink exactly as received: no option added, dropped, re-encoded or reordered', async () => {
    const odd = "?$skiptoken=a%2Bb%3D%3D&$filter=id%20eq%20'x'&custom=1&$top=2";
    stack = await startScriptedStack((request) => {
      if (!request.url.includes('$skiptoken')) return { status: 200, body: { value: [entity('a')], '@odata.nextLink': `${stack!.serviceRoot}/connections/c/operations${odd}` } };
      return { status: 200, body: { value: [entity('b')] } };
    });
    const result = await stack.gql('{ connectionOperations(connectionId: "c", first: 2) { nodes { operationId } } }');
    expect(result.errors).toBeUndefined();
    expect(stack.requests[1]!.url).toBe(`/beta/connections/c/operations${odd}`);
  });

  it('stops gathering pages at the bound when the upstream sends empty pages with next links forever', async () => {
    stack = await startScriptedStack(() => ({ status: 200, body: { value: [], '@odata.nextLink': `${stack!.serviceRoot}/connections/c/operations?$skiptoken=again` } }));
    const result = await stack.gql('{ connectionOperations(connectionId: "c", first: 5) { nodes { operationId } pageInfo { hasNextPage endCursor } } }');
    expect(result.errors).toBeUndefined();
    // The page is cut at the bound, with a cursor past the empty pages it read, so a client can go on.
    expect(result.data.connectionOperations).toEqual({ nodes: [], pageInfo: { hasNextPage: true, endCursor: expect.any(String) } });
    expect(stack.requests).toHaveLength(10);
    const next = await stack.gql('query($a: String) { connectionOperations(connectionId: "c", first: 5, after: $a) { nodes { operationId } } }', { a: result.data.connectionOperations.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(stack.requests).toHaveLength(20);
    expect(stack.requests.slice(10).every((r) => r.url.endsWith('/connections/c/operations?$skiptoken=again'))).toBe(true);
  });
});
