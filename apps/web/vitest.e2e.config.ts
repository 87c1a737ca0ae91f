import { defineConfig } from 'vitest/config';

// End-to-end tests: a real `servercam serve` child process and Debian's Chromium
// through playwright-core. One file at a time: they share two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    // Whatever a test file started and left running (a server) is killed after it, even when its beforeAll failed.
    setupFiles: ['@servercam/testing/vitest-setup'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A loaded two-core machine can take a while to show what the server sent.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
