import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Lower method decorators in tests (Node 20 has no decorator syntax); evalflow's trace() supports both kinds.
  oxc: { decorator: { legacy: true } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
