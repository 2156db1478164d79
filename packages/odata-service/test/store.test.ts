/** The store's connections, their ETags and schemas (store.ts): what the router and tests rely on. */
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/store.js';

const SCHEMA = { baseType: 'microsoft.graph.externalItem', properties: [{ name: 'title', type: 'string', labels: ['title'] }] };

describe('store: connections', () => {
  it('insertConnection creates a draft (name defaults to the id), and refuses an existing id', () => {
    const store = createStore();
    const result = store.insertConnection({ id: 'c1' });
    expect(result).toEqual({ ok: true, connection: { id: 'c1', name: 'c1', description: null, state: 'draft', etag: expect.stringMatching(/^W\/"\d+"$/) as string } });
    expect(store.insertConnection({ id: 'c1', name: 'again' })).toEqual({ ok: false, reason: 'conflict' });
    expect(store.getConnection('c1')?.name).toBe('c1');
    expect(store.insertConnection({ id: 'c2', name: 'Two', description: 'd', state: 'ready' })).toMatchObject({ connection: { name: 'Two', description: 'd', state: 'ready' } });
    expect(store.insertConnection({ id: 'c1' }, 'other tenant').ok).toBe(true);
  });

  it('every write of a connection changes its ETag: properties, name, state, schema', () => {
    const store = createStore();
    const seen = new Set<string>();
    const etag = () => store.getConnection('c1')!.etag;
    store.insertConnection({ id: 'c1', name: 'One' });
    seen.add(etag());
    store.putConnection({ id: 'c1', description: 'x' });
    seen.add(etag());
    store.addConnection('c1', 'Renamed');
    seen.add(etag());
    store.putSchema('c1', SCHEMA);
    seen.add(etag());
    store.putSchema('c1', null);
    seen.add(etag());
    expect(seen.size).toBe(5);
    store.addConnection('c1'); // no change, no new ETag
    expect(seen.has(etag())).toBe(true);
  });

  it('deleteConnection removes it with its operations and schema; false when there was none', () => {
    const store = createStore();
    store.putOperation('c1', { id: 'op', status: 'completed' });
    store.putSchema('c1', SCHEMA);
    expect(store.deleteConnection('c1')).toBe(true);
    expect(store.getConnection('c1')).toBeUndefined();
    expect(store.getOperation('c1', 'op')).toBeUndefined();
    expect(store.getSchema('c1')).toBeUndefined();
    expect(store.deleteConnection('c1')).toBe(false);
    expect(store.deleteConnection('c1', 'nobody')).toBe(false);
  });

  it('putSchema creates a missing connection and stores a copy; getSchema hands out copies', () => {
    const store = createStore();
    const given = structuredClone(SCHEMA);
    store.putSchema('c9', given);
    expect(store.getConnection('c9')?.state).toBe('ready');
    given.properties[0]!.name = 'changed';
    const read = store.getSchema('c9')!;
    expect(read).toEqual(SCHEMA);
    read.properties.length = 0;
    expect(store.getSchema('c9')).toEqual(SCHEMA);
    expect(store.getSchema('nope')).toBeUndefined();
  });

  it('clear() forgets connections, never ETags', () => {
    const store = createStore();
    store.insertConnection({ id: 'c1' });
    const before = store.getConnection('c1')!.etag;
    store.clear();
    expect(store.listConnections()).toEqual([]);
    store.insertConnection({ id: 'c1' });
    expect(store.getConnection('c1')!.etag).not.toBe(before);
  });
});
