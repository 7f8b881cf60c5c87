import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starting PGlite and creating PostgreSQL databases dominates; a loaded CI box needs slack.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
