import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One process per test file: the capture worker (and OpenCV) is per process.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Live-capture tests count frames; two files at once on 2 cores would skew them.
    fileParallelism: false,
  },
});
