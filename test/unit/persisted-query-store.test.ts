import { describe, expect, it } from 'vitest';
import { createBoundedQueryStore } from '../../src/plugins/use-persisted-queries.js';

describe('the persisted-query store', () => {
  it('keeps at most maxEntries, least recently used out first', () => {
    const store = createBoundedQueryStore({ maxEntries: 2, maxChars: 1_000 });
    store.set('a', '{ a }');
    store.set('b', '{ b }');
    expect(store.get('a')).toBe('{ a }'); // a is now the most recent
    store.set('c', '{ c }');
    expect(store.get('b')).toBeNull();
    expect(store.get('a')).toBe('{ a }');
    expect(store.get('c')).toBe('{ c }');
    expect(store.size).toBe(2);
  });

  it('keeps at most maxChars of hashes and queries, and never one larger than the store', () => {
    const store = createBoundedQueryStore({ maxEntries: 100, maxChars: 30 });
    store.set('h1', 'x'.repeat(10)); // 12
    store.set('h2', 'y'.repeat(10)); // 24
    store.set('h3', 'z'.repeat(10)); // 36 > 30: h1 goes
    expect(store.get('h1')).toBeNull();
    expect(store.chars).toBe(24);
    store.set('big', 'q'.repeat(40));
    expect(store.get('big')).toBeNull();
    expect(store.size).toBe(2);
    // Setting a hash again replaces it without counting it twice.
    store.set('h2', 'w'.repeat(5));
    expect(store.chars).toBe(19);
    expect(store.get('h2')).toBe('wwwww');
  });
});
