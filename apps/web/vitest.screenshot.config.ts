import { defineConfig } from 'vitest/config';

/** `pnpm screenshot`: regenerates docs/keys-screen.png for the README from a seeded instance. */
export default defineConfig({
  test: {
    include: ['e2e/docs-screenshot.run.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
