/**
 * The paging arithmetic over an upstream's own pages (src/operations/paging.ts), on a scripted list of
 * upstream pages: positions are (link, index) pairs, pages are followed by their nextLinks only, never edited.
 */
import { describe, expect, it } from 'vitest';
import type { ListPosition } from '../../src/operations/cursor.js';
import { collectPage, ListPage, MAX_UPSTREAM_PAGES, type UpstreamPage } from '../../src/operations/paging.js';

/** An upstream whose pages are `sizes` long (0: an empty page with a nextLink), numbering nodes from 1. */
function upstream(sizes: number[], totalCount: number | null = null) {
  const pages = new Map<string, UpstreamPage<number>>();
  let next = 1;
  sizes.forEach((size, i) => {
    const nodes = Array.from({ length: size }, () => next++);
    pages.set(`link${i}`, { nodes, nextLink: i + 1 < sizes.length ? `link${i + 1}` : null, totalCount: i === 0 ? totalCount : null });
  });
  const reads: string[] = [];
  return {
    reads,
    read: async (link: string) => {
      reads.push(link);
      const page = pages.get(link);
      if (page === undefined) throw new Error(`no page ${link}`);
      return page;
    },
  };
}

/** Pages a whole list with `firsts` (cycled), returning every node and the reads of each page. */
async function pageThrough(sizes: number[], firsts: number[]) {
  const up = upstream(sizes);
  let position: ListPosition = { link: 'link0', index: 0 };
  const seen: number[] = [];
  for (let i = 0; i < 200; i++) {
    const page = await collectPage(position, up.read, firsts[i % firsts.length]!);
    seen.push(...page.nodes);
    if (!page.hasNextPage) return { seen, reads: up.reads };
    position = page.end;
  }
  throw new Error('did not end');
}

describe('collectPage', () => {
  it('pages a whole list with `first` changing between pages: every node once, in order', async () => {
    for (const sizes of [[7, 6, 5, 0, 7, 6, 2], [3], [0, 0, 1], [100], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]) {
      const total = sizes.reduce((a, b) => a + b, 0);
      for (const firsts of [[5, 10, 3, 20, 1], [1], [1000], [2, 7]]) {
        const { seen } = await pageThrough(sizes, firsts);
        expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      }
    }
  });

  it('takes what a page needs from an upstream page larger than asked and puts the cursor inside it', async () => {
    const up = upstream([15, 4]);
    const page = await collectPage({ link: 'link0', index: 0 }, up.read, 10);
    expect(page.nodes).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page.hasNextPage).toBe(true);
    expect(page.end).toEqual({ link: 'link0', index: 10 });
    expect(page.positionAfter(0)).toEqual({ link: 'link0', index: 1 });
    const rest = await collectPage(page.end, up.read, 10);
    expect(rest.nodes).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(rest.hasNextPage).toBe(false);
    expect(up.reads).toEqual(['link0', 'link0', 'link1']);
  });

  it('places an edge at the end of an upstream page at the start of the next one (no re-read of a used page)', async () => {
    const up = upstream([3, 3]);
    const page = await collectPage({ link: 'link0', index: 0 }, up.read, 4);
    expect(page.nodes).toEqual([1, 2, 3, 4]);
    expect(page.positionAfter(1)).toEqual({ link: 'link0', index: 2 });
    expect(page.positionAfter(2)).toEqual({ link: 'link1', index: 0 });
    expect(page.positionAfter(3)).toEqual({ link: 'link1', index: 1 });
    expect(page.end).toEqual({ link: 'link1', index: 1 });
    // An edge cursor resumes exactly after its node.
    for (let i = 0; i < 4; i++) expect((await collectPage(page.positionAfter(i), up.read, 1)).nodes).toEqual([i + 2]);
  });

  it('places the edges of a page that starts inside an upstream page and goes on into the next one', async () => {
    const up = upstream([4, 3]);
    const page = await collectPage({ link: 'link0', index: 2 }, up.read, 4);
    expect(page.nodes).toEqual([3, 4, 5, 6]);
    expect([0, 1, 2, 3].map((i) => page.positionAfter(i))).toEqual([
      { link: 'link0', index: 3 },
      { link: 'link1', index: 0 },
      { link: 'link1', index: 1 },
      { link: 'link1', index: 2 },
    ]);
  });

  it('ends on the last page: no nextLink and nothing left', async () => {
    const up = upstream([2, 2]);
    const page = await collectPage({ link: 'link0', index: 0 }, up.read, 4);
    expect(page.nodes).toEqual([1, 2, 3, 4]);
    expect(page.hasNextPage).toBe(false);
    expect(page.end).toEqual({ link: 'link1', index: 2 });
    const after = await collectPage(page.end, up.read, 4);
    expect(after.nodes).toEqual([]);
    expect(after.hasNextPage).toBe(false);
  });

  it('skips empty upstream pages, and reads at most MAX_UPSTREAM_PAGES pages for one page, with a position past them', async () => {
    const sizes = [...Array.from({ length: MAX_UPSTREAM_PAGES + 2 }, () => 0), 3];
    const up = upstream(sizes);
    const page = await collectPage({ link: 'link0', index: 0 }, up.read, 2);
    expect(page.nodes).toEqual([]);
    expect(up.reads).toHaveLength(MAX_UPSTREAM_PAGES);
    expect(page.hasNextPage).toBe(true);
    expect(page.end).toEqual({ link: `link${MAX_UPSTREAM_PAGES}`, index: 0 });
    const next = await collectPage(page.end, up.read, 2);
    expect(next.nodes).toEqual([1, 2]);
  });

  it('uses a page it is given instead of reading the start link (a batched first page)', async () => {
    const up = upstream([2, 2], 4);
    const given = up.read('link0');
    up.reads.length = 0;
    const page = await collectPage({ link: 'link0', index: 0 }, up.read, 3, given);
    expect(page.nodes).toEqual([1, 2, 3]);
    expect(page.totalCount).toBe(4);
    expect(up.reads).toEqual(['link1']);
  });

  it('starts inside a page, and at an index past its end (the page shrank) with its nextLink', async () => {
    const up = upstream([4, 2]);
    expect((await collectPage({ link: 'link0', index: 3 }, up.read, 2)).nodes).toEqual([4, 5]);
    expect((await collectPage({ link: 'link0', index: 9 }, up.read, 2)).nodes).toEqual([5, 6]);
  });
});

describe('ListPage', () => {
  const seal = (position: ListPosition) => `${position.link}#${position.index}`;

  it('makes edge cursors and the end cursor from positions', async () => {
    const up = upstream([2, 2]);
    const page = new ListPage(await collectPage({ link: 'link0', index: 0 }, up.read, 3), false, seal);
    expect([0, 1, 2].map((i) => page.cursorAfter(i))).toEqual(['link0#1', 'link1#0', 'link1#1']);
    expect(page.endCursor()).toBe('link1#1');
    expect(page.hasNextPage).toBe(true);
    expect(page.hasPreviousPage).toBe(false);
  });

  it('has an end cursor past skipped empty pages when it holds no node but the list goes on, and none at the end', async () => {
    const empty = new ListPage(await collectPage({ link: 'link0', index: 0 }, upstream(Array.from({ length: MAX_UPSTREAM_PAGES + 1 }, () => 0).concat(1)).read, 1), true, seal);
    expect(empty.nodes).toEqual([]);
    expect(empty.endCursor()).toBe(`link${MAX_UPSTREAM_PAGES}#0`);
    const ended = new ListPage(await collectPage({ link: 'link0', index: 0 }, upstream([0]).read, 1), true, seal);
    expect(ended.endCursor()).toBeNull();
    expect(new ListPage<number>(undefined, false, seal, 0).endCursor()).toBeNull();
  });
});
