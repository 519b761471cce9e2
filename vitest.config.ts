/**
 * Unit and integration tests (Vitest): the *.test.ts files of src, server,
 * tools, training and test, run in Node with timeouts long enough to load
 * models.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'tools/**/*.test.ts', 'training/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
