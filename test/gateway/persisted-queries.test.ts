import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

describe('automatic persisted queries', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.store.putOperation('c1', { id: 'a', status: 'completed' });
  });

  const post = (body: Record<string, unknown>) =>
    fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (params: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    return fetch(`${stack.url}/graphql?${search}`, { headers: { accept: 'application/json', ...headers } });
  };

  it('over POST: an unknown hash is PERSISTED_QUERY_NOT_FOUND, the query with its hash is stored, then the hash alone runs it', async () => {
    const query = `query Persisted${Date.now()} { connectionOperation(connectionId: "c1", operationId: "a") { operationId status } }`;
    const miss = await post({ extensions: persisted(query) });
    const missBody = await miss.json();
    expect(missBody.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(missBody.errors[0].message).toBe('PersistedQueryNotFound');
    expect(stack.upstream.requests).toHaveLength(0);

    const register = await (await post({ query, extensions: persisted(query) })).json();
    expect(register).toEqual({ data: { connectionOperation: { operationId: 'a', status: 'COMPLETED' } } });
    const hit = await (await post({ extensions: persisted(query) })).json();
    expect(hit).toEqual(register);
    expect(stack.httpRequests()).toHaveLength(2);
  });

  it('refuses a query whose hash does not match, and stores nothing for it', async () => {
    const query = '{ connectionOperation(connectionId: "c1", operationId: "a") { status } }';
    const wrong = { persistedQuery: { version: 1, sha256Hash: sha256('{ __typename }') } };
    const mismatch = await (await post({ query, extensions: wrong })).json();
    expect(mismatch.errors[0].extensions.code).toBe('PERSISTED_QUERY_MISMATCH');
    const after = await (await post({ extensions: wrong })).json();
    expect(after.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(stack.upstream.requests).toHaveLength(0);
  });

  it('over GET: the hash alone runs a stored query, with private, revalidated caching; errors are not stored', async () => {
    const query = `query GetPersisted${Date.now()}($id: ID!) { connectionOperation(connectionId: "c1", operationId: $id) { operationId status } }`;
    const miss = await get({ extensions: persisted(query), variables: { id: 'a' } });
    expect((await miss.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(miss.headers.get('cache-control')).toBe('no-store');

    const register = await get({ query, extensions: persisted(query), variables: { id: 'a' } });
    expect(await register.json()).toEqual({ data: { connectionOperation: { operationId: 'a', status: 'COMPLETED' } } });
    const hit = await get({ extensions: persisted(query), variables: { id: 'a' } }, { authorization: 'Bearer t' });
    expect(hit.status).toBe(200);
    expect(await hit.json()).toEqual({ data: { connectionOperation: { operationId: 'a', status: 'COMPLETED' } } });
    expect(hit.headers.get('cache-control')).toBe('private, no-cache');
    expect(hit.headers.get('vary')).toMatch(/authorization/i);

    // An answer with an upstream error is never to be kept.
    stack.upstream.faults.add({ fault: { type: 'status', status: 500 } });
    const failed = await get({ extensions: persisted(query), variables: { id: 'a' } });
    expect((await failed.json()).errors[0].extensions.code).toBe('UPSTREAM_ERROR');
    expect(failed.headers.get('cache-control')).toBe('no-store');
  });

  it('never runs a stored mutation over GET', async () => {
    const mutation = 'mutation { deleteConnectionOperation(connectionId: "c1", operationId: "a") { deletedId } }';
    // Registering it over POST runs it once, as any POST would.
    const stored = await (await post({ query: mutation, extensions: persisted(mutation) })).json();
    expect(stored.errors).toBeUndefined();
    expect(stored.data.deleteConnectionOperation.deletedId).toEqual(expect.any(String));
    stack.upstream.reset();
    stack.upstream.store.putOperation('c1', { id: 'a', status: 'completed' });
    const viaGet = await get({ extensions: persisted(mutation) });
    expect(viaGet.status).toBe(405);
    expect(stack.upstream.requests).toHaveLength(0);
    expect(stack.upstream.store.getOperation('c1', 'a')).toBeDefined();
  });
});
