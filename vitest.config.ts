import { defineConfig } from 'vitest/config';

// The API suite runs twice: on embedded PGlite and on a real PostgreSQL server (started by
// test/support/postgres-setup.ts unless TEST_DATABASE_URL points at one).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'pglite',
          include: ['test/api/**/*.test.ts', 'test/cli/**/*.test.ts'],
          env: { LIAISON_TEST_DB: 'pglite' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'postgres',
          include: ['test/api/**/*.test.ts'],
          env: { LIAISON_TEST_DB: 'postgres' },
          globalSetup: ['test/support/postgres-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          env: { LIAISON_TEST_DB: 'pglite' },
          globalSetup: ['test/browser/web-build-setup.ts'],
          // The page answers after the server does; on a busy two-core machine that can take seconds,
          // so polled expectations wait as long as the page's own waits (15 s) instead of 1 s.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
