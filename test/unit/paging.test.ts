import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/odata/cursor.js';
import type { OperationModel } from '../../src/odata/entity.js';
import { withPaging } from '../../src/resolvers/paging.js';

const root = 'http://up/beta';
const link = `${root}/connections/c/operations?$top=4`;
const nextLink = `${root}/connections/c/operations?$top=4&$skiptoken=4`;
const node = (id: string): OperationModel => ({ id, connectionId: 'c', status: null, error: null, etag: null });
const page = (ids: string[], next: string | null) => ({ connectionId: 'c', nodes: ids.map(node), nextLink: next, totalCount: null });
const position = (skip = 0) => ({ link, skip, query: () => 'q' });
const decode = (cursor: string | null) => decodeCursor(cursor!, { serviceRoot: root, connectionsPath: 'connections', connectionId: 'c', query: 'q' });

describe('withPaging', () => {
  it('continues at the nextLink after a whole page', () => {
    const paged = withPaging(page(['a', 'b', 'c', 'd'], nextLink), position(), undefined);
    expect(paged.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(paged.hasNextPage).toBe(true);
    expect(decode(paged.endCursor())).toMatchObject({ link: nextLink, skip: 0 });
  });

  it('continues inside the page when first is smaller than the page', () => {
    const paged = withPaging(page(['a', 'b', 'c', 'd'], null), position(), 2);
    expect(paged.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(paged.hasNextPage).toBe(true);
    expect(decode(paged.endCursor())).toMatchObject({ link, skip: 2 });
  });

  it('resumes from a skip, and ends without a cursor on the last page', () => {
    const paged = withPaging(page(['a', 'b', 'c'], null), position(1), 5);
    expect(paged.nodes.map((n) => n.id)).toEqual(['b', 'c']);
    expect(paged.hasNextPage).toBe(false);
    expect(paged.endCursor()).toBeNull();
  });

  it('gives each edge the cursor right after it', () => {
    const paged = withPaging(page(['a', 'b', 'c'], nextLink), position(), undefined);
    expect(paged.cursors().map((c) => decode(c))).toEqual([
      { link, skip: 1, query: 'q' },
      { link, skip: 2, query: 'q' },
      { link: nextLink, skip: 0, query: 'q' },
    ]);
  });

  it('computes the list fingerprint only when a cursor is asked for', () => {
    let computed = 0;
    const paged = withPaging(page(['a'], nextLink), { link, skip: 0, query: () => (computed++, 'q') }, undefined);
    expect(computed).toBe(0);
    paged.endCursor();
    expect(computed).toBe(1);
  });
});
