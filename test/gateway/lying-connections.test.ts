/** An upstream that answers connection reads and operations pages about another connection than asked. */
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
});
