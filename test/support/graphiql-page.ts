/**
 * vitest global setup: writes the GraphiQL page files as `npm run build` does (src/graphiql/build-page.ts),
 * so that `npm ci && npm test` needs no build first. The gateways the tests start from src/ serve GraphiQL
 * from them. Incremental like the build: when the files are already this page, nothing is written.
 */
import { buildGraphiQLPage } from '../../src/graphiql/build-page.js';
import { PAGE_DIRECTORY } from '../../src/graphiql/page-files.js';

export default async function buildPage(): Promise<void> {
  await buildGraphiQLPage(PAGE_DIRECTORY);
}
