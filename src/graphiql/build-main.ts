/**
 * `npm run build`'s last step (after tsc, as `node dist/graphiql/build-main.js`): the GraphiQL page files in
 * dist/graphiql-page/ (./build-page.ts). Compiled JavaScript rather than a tsx script, so that a build needs
 * nothing beyond what `npm run build` already ran. Silent when the page was up to date.
 */
import { fileURLToPath } from 'node:url';
import { buildGraphiQLPage } from './build-page.js';
import { PAGE_DIRECTORY } from './page-files.js';

const started = performance.now();
const built = await buildGraphiQLPage(PAGE_DIRECTORY);
if (!built.tabsFixed) {
  console.warn('GraphiQL page: render-graphiql changed the structure the tabs fix expects; the page is built without it (src/graphiql/tabs-fix.ts)');
}
if (built.written) {
  const { identity, br, gzip } = built.sizes;
  console.log(`GraphiQL page built in ${fileURLToPath(PAGE_DIRECTORY)}: ${identity} bytes, br ${br}, gzip ${gzip} (${Math.round(performance.now() - started)} ms)`);
}
