/**
 * The GraphiQL page build (src/graphiql/build-page.ts, `npm run build`'s last step): the page and its br and
 * gzip forms, rewritten only when the page changed or a file is missing, with no temporary file left.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { buildGraphiQLPage } from '../../src/graphiql/build-page.js';
import { pageFileName } from '../../src/graphiql/page-files.js';
import { renderGraphiQLPage } from '../../src/graphiql/render-page.js';

const directory = mkdtempSync(join(tmpdir(), 'graphiql-build-'));
const url = pathToFileURL(`${directory}/`);
const file = (name: string) => join(directory, name);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

it('writes the page and its compressed forms, and again only what changed or went missing', { timeout: 90_000 }, async () => {
  const expected = Buffer.from(renderGraphiQLPage().html, 'utf8');
  const names = [pageFileName(undefined), pageFileName('br'), pageFileName('gzip')];

  const first = await buildGraphiQLPage(url);
  expect(first).toMatchObject({ written: true, tabsFixed: true, sizes: { identity: expected.length } });
  expect(readdirSync(directory).sort()).toEqual([...names].sort());
  expect(readFileSync(file(names[0]!)).equals(expected)).toBe(true);
  expect(brotliDecompressSync(readFileSync(file(names[1]!))).equals(expected)).toBe(true);
  expect(gunzipSync(readFileSync(file(names[2]!))).equals(expected)).toBe(true);

  // Nothing changed: nothing written (the files keep their times, so the served entity tags hold).
  const times = names.map((name) => statSync(file(name)).mtimeMs);
  expect(await buildGraphiQLPage(url)).toEqual({ written: false, tabsFixed: true, sizes: {} });
  expect(names.map((name) => statSync(file(name)).mtimeMs)).toEqual(times);

  // A page on disk that is not this one (an older build) is replaced.
  appendFileSync(file(names[0]!), '<!-- older -->');
  expect((await buildGraphiQLPage(url)).written).toBe(true);
  expect(readFileSync(file(names[0]!)).equals(expected)).toBe(true);

  // A compressed form missing: written again.
  rmSync(file(names[1]!));
  expect((await buildGraphiQLPage(url)).written).toBe(true);
  expect(brotliDecompressSync(readFileSync(file(names[1]!))).equals(expected)).toBe(true);
  expect(readdirSync(directory).sort()).toEqual([...names].sort());
});
