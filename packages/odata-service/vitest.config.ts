import { defineConfig } from 'vitest/config';

// `npm test` inside this package. The root's `npm test` runs these tests too (its own include list).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
