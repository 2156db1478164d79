import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) copies. Node loads the CJS one for every package;
    // vite would hand our sources the ESM one, and two GraphQLError classes break `instanceof` (yoga's
    // error masking among others). Pin the one Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  ssr: {
    // The workspace packages' exports name their TypeScript sources under the "source" condition (their
    // compiled dist/ is for `npm start`), so the suite needs no build step. The rest is vitest's default
    // list (setting the option replaces it); without "module", which would pick ESM builds Node cannot load.
    resolve: { conditions: ['source', 'node', 'development|production'] },
  },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // The browser and load suites have their own scripts (test:browser, test:load).
    exclude: ['test/browser/**', 'test/load/**', '**/node_modules/**'],
    // The GraphiQL page files, as `npm run build` writes them: the gateway serves GraphiQL from them.
    globalSetup: ['test/support/graphiql-page.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
