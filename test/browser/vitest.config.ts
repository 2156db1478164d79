import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

// Its own include list (mergeConfig would concatenate it with the main suite's).
export default defineConfig({
  resolve: base.resolve,
  ssr: base.ssr,
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
