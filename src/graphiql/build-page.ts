/**
 * Builds the GraphiQL page files (./page-files.ts): the page (./render-page.ts) and its br and gzip forms,
 * compressed here, once, so that the gateway only streams files and never holds the page in memory.
 *
 * - Incremental: when the page on disk is byte for byte the one rendered now and both compressed forms are
 *   beside it, nothing is written; a build with nothing changed costs the render and one comparison (about
 *   0.2 s), not the compression (about 1 s).
 * - The page is removed first and written last, after its compressed forms: a page on disk always has the
 *   compressed forms of itself beside it, even after an interrupted build.
 * - Each file is written under a temporary name and renamed into place: a gateway serving the page, or a
 *   second build running at the same time (the test setup beside `npm start`), never reads half a file.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { pageFileName, type PageEncoding } from './page-files.js';
import { renderGraphiQLPage } from './render-page.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Brotli quality 9: about 1 s for this page, 3% smaller than quality 6 (0.3 s); quality 11 saves another 8%
 * but takes about 15 s, on every build that changes the page.
 */
const BROTLI_QUALITY = 9;

const ENCODINGS: readonly PageEncoding[] = ['br', 'gzip'];

function compress(page: Buffer, encoding: PageEncoding): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(page);
  return brotli(page, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: page.length,
    },
  });
}

export interface BuiltPage {
  /** False when the files on disk were already this page. */
  written: boolean;
  /** False when the tabs fix did not fit render-graphiql's page (see ./render-page.ts). */
  tabsFixed: boolean;
  /** Bytes of each file written (identity, br, gzip); empty when nothing was written. */
  sizes: Partial<Record<PageEncoding | 'identity', number>>;
}

async function isBuilt(directory: URL, page: Buffer): Promise<boolean> {
  try {
    const onDisk = await readFile(new URL(pageFileName(undefined), directory));
    if (!onDisk.equals(page)) return false;
    await Promise.all(ENCODINGS.map((encoding) => access(new URL(pageFileName(encoding), directory))));
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(directory: URL, name: string, bytes: Buffer): Promise<void> {
  const temporary = new URL(`${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`, directory);
  await writeFile(temporary, bytes);
  await rename(temporary, new URL(name, directory));
}

export async function buildGraphiQLPage(directory: URL): Promise<BuiltPage> {
  const { html, tabsFixed } = renderGraphiQLPage();
  const page = Buffer.from(html, 'utf8');
  if (await isBuilt(directory, page)) return { written: false, tabsFixed, sizes: {} };

  await mkdir(directory, { recursive: true });
  await rm(new URL(pageFileName(undefined), directory), { force: true });
  const sizes: BuiltPage['sizes'] = { identity: page.length };
  await Promise.all(
    ENCODINGS.map(async (encoding) => {
      const compressed = await compress(page, encoding);
      await writeAtomically(directory, pageFileName(encoding), compressed);
      sizes[encoding] = compressed.length;
    }),
  );
  await writeAtomically(directory, pageFileName(undefined), page);
  return { written: true, tabsFixed, sizes };
}
