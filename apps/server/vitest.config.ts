import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (main) and ESM (module) builds. Node loads the
    // CommonJS one for Yoga and graphql-ws; Vite would give our sources the
    // ESM one, and two copies of graphql break `instanceof GraphQLError`.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Whatever a test file started and left running (a server, Redis, ffmpeg) is killed after it.
    setupFiles: ['@servercam/testing/vitest-setup'],
    // One process per test file: the capture worker (and OpenCV) is per process.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Live-capture tests count frames; two files at once on 2 cores would skew them.
    fileParallelism: false,
  },
});
