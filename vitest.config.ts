import { defineConfig } from 'vitest/config';

// Three tiers: fast unit tests; integration tests against real tools (images built from Debian's
// archive, a local registry, the bundled action); and the "real" tier over ../shared/fixtures.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/**/*.test.ts'],
          exclude: ['__tests__/**/*.itg.test.ts', '__tests__/**/*.real.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['__tests__/**/*.itg.test.ts'],
          globalSetup: ['__tests__/world/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'real',
          include: ['__tests__/**/*.real.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
