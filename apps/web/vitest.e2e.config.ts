import { defineConfig } from 'vitest/config';

/**
 * End-to-end: builds the UI, starts the real API on a free port over a fresh embedded
 * database, and drives Debian's Chromium through playwright-core. Files run one at a time.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
