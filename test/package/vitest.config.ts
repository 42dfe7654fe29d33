import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The package tests (npm run test:package): they run electron-builder on out/ as it stands, so they
 * run on their own after a build, never beside the unit tests that may rebuild or read out/.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/package/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
