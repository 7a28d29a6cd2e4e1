import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    // Wine and Chromium suites share the two cores with the table-compiling ones: hooks get the same room as tests.
    hookTimeout: 60_000,
  },
});
