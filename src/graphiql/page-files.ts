/**
 * Where the GraphiQL page is built to (src/graphiql/build-page.ts, run by `npm run build`) and served from
 * (src/plugins/use-graphiql.ts): the page and its br- and gzip-compressed forms, one file each.
 *
 * The directory is `dist/graphiql-page/` at the repository root, named from this module's own location: src/ and
 * dist/ are siblings, so the same relative URL holds for the compiled gateway (dist/graphiql/page-files.js)
 * and for its sources run by tsx or vitest (src/graphiql/page-files.ts), which use the page the test setup
 * builds (test/support/graphiql-page.ts).
 */
export const PAGE_DIRECTORY = new URL('../../dist/graphiql-page/', import.meta.url);

/** The encodings the page is stored in besides identity. */
export type PageEncoding = 'br' | 'gzip';

/** The file name of the page in an encoding (undefined: identity). */
export function pageFileName(encoding: PageEncoding | undefined): string {
  if (encoding === 'br') return 'index.html.br';
  if (encoding === 'gzip') return 'index.html.gz';
  return 'index.html';
}
