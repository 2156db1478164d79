/**
 * An upstream that answers connection reads and operations pages about another connection than asked, or
 * sends nextLinks out of the connections collection or out of a connection's operations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedStack, type ScriptedStack } from '../support/scripted-upstream.js';

type Parts = { requests: Array<{ id: string; url: string }> };
const connectionOf = (url: string) => decodeURIComponent(url.split('?')[0]!.split('/')[2]!);

describe('an upstream that answers about another connection', () => {
  let stack: ScriptedStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('never serves one connection under another key (plain GET and $batch part)', async () => {
    stack = await startScriptedStack((request) => {
      if (request.method === 'GET') return { status: 200, body: { id: 'secret-b', name: 'not a' } };
      const { requests } = JSON.parse(request.body) as Parts;
      return { status: 200, body: { responses: requests.map((p) => ({ id: p.id, status: 200, body: { id: connectionOf(p.url) === 'a' ? 'secret-b' : connectionOf(p.url), name: 'n' } })) } };
    });
    const one = await stack.gql('{ externalConnection(connectionId: "a") { connectionId name } }');
    expect(one.data).toEqual({ externalConnection: null });
    expect(one.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    const two = await stack.gql('{ a: externalConnection(connectionId: "a") { name } c: externalConnection(connectionId: "c") { connectionId } }');
    expect(two.data).toEqual({ a: null, c: { connectionId: 'c' } });
    expect(JSON.stringify([one, two])).not.toContain('secret-b');
  });

  it('refuses an operations page whose @odata.context names another connection, in a $batch part', async () => {
    stack = await startScriptedStack((request) => {
      if (request.method === 'GET') {
        return { status: 200, body: { value: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] } };
      }
      const { requests } = JSON.parse(request.body) as Parts;
      return {
        status: 200,
        body: {
          responses: requests.map((p) => ({
            id: p.id,
            status: 200,
            body: { '@odata.context': `x/$metadata#connections('${connectionOf(p.url) === 'a' ? 'b' : connectionOf(p.url)}')/operations`, value: [{ id: `${connectionOf(p.url)}-op`, status: 'completed' }] },
          })),
        },
      };
    });
    const result = await stack.gql('{ externalConnections(first: 2) { nodes { connectionId operations(first: 1) { nodes { operationId } } } } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(result.errors?.[0]?.path).toEqual(['externalConnections', 'nodes', 0, 'operations']);
    expect(stack.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  /**
   * The nextLinks of the connections list and of the operations pages read in a $batch go through the same
   * check as connectionOperations' (lying-upstream.test.ts has the full list of hostile forms): each list reads
   * its answer its own way, so each is tried here. Whether the page needs the link (it is short of `first`) or
   * not (it would only be sealed into the endCursor), the field fails and nothing is asked of the link.
   */
  const leaving = (collection: string) => [
    (root: string) => `http://127.0.0.1:1/beta/${collection}?$skiptoken=x`, // another port
    (root: string) => root.replace('http://', 'http://user:pw@') + `/${collection}?$skiptoken=x`, // credentials
    (root: string) => `${root}/${collection}/../../$metadata?$skiptoken=x`, // a climb
    (root: string) => `${root}/${collection}/x?$skiptoken=x`, // below the collection
    () => '../elsewhere?$skiptoken=x', // relative, out of it
  ];

  it('never follows a nextLink of the connections list that leaves the collection, nor seals it into a cursor', async () => {
    let next = (_root: string) => '';
    stack = await startScriptedStack(() => ({ status: 200, body: { value: [{ id: 'a', name: 'A' }], '@odata.nextLink': next(stack!.serviceRoot) } }));
    for (const link of leaving('connections')) {
      next = link;
      for (const first of [5, 1]) {
        const before = stack.requests.length;
        const result = await stack.gql(`{ externalConnections(first: ${first}) { nodes { connectionId } pageInfo { endCursor } } }`);
        expect([link(stack.serviceRoot), first, result.errors?.[0]?.extensions]).toEqual([link(stack.serviceRoot), first, { code: 'UPSTREAM_ERROR', upstreamStatus: 200 }]);
        expect(result.errors?.[0]?.message).toContain('leaves the collection');
        // The first request only.
        expect(stack.requests.slice(before).map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['GET /beta/connections']);
      }
    }
  });

  it('never follows a nextLink of an operations page read in a $batch that leaves the collection, nor seals it into a cursor', async () => {
    let next = (_root: string, _connectionId: string) => '';
    const page = (connectionId: string) => ({ value: [{ id: `${connectionId}-op`, status: 'completed' }], '@odata.nextLink': next(stack!.serviceRoot, connectionId) });
    stack = await startScriptedStack((request) => {
      if (request.method === 'GET') return { status: 200, body: { value: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] } };
      const { requests } = JSON.parse(request.body) as Parts;
      return { status: 200, body: { responses: requests.map((p) => ({ id: p.id, status: 200, body: page(connectionOf(p.url)) })) } };
    });
    const links = [
      ...leaving('connections/a/operations').map((link) => (root: string, connectionId: string) => link(root).replace('/a/', `/${connectionId}/`)),
      (root: string, connectionId: string) => `${root}/connections/${connectionId === 'a' ? 'b' : 'a'}/operations?$skiptoken=x`, // the other connection's
    ];
    for (const link of links) {
      next = link;
      for (const first of [5, 1]) {
        const before = stack.requests.length;
        const result = await stack.gql(`{ externalConnections(first: 2) { nodes { connectionId operations(first: ${first}) { nodes { operationId } pageInfo { endCursor } } } } }`);
        // (`operations` is non-null: the first failure nulls the list, and graphql-js reports that one.)
        const errors = result.errors?.map((e) => [e.path?.slice(0, 2), e.path?.[3], e.extensions, e.message.includes('leaves the collection')]);
        expect([link(stack.serviceRoot, 'a'), first, errors]).toEqual([
          link(stack.serviceRoot, 'a'),
          first,
          [[['externalConnections', 'nodes'], 'operations', { code: 'UPSTREAM_ERROR', upstreamStatus: 200 }, true]],
        ]);
        // The list, then the one $batch with both connections' first operations pages.
        expect(stack.requests.slice(before).map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['GET /beta/connections', 'POST /beta/$batch']);
      }
    }
  });
});
