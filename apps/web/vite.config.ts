import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// `vite dev` proxies GraphQL (HTTP and WebSocket) to a running `servercam serve`.
const target = process.env['SERVERCAM_URL'] ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [sveltekit(), svelteTesting()],
  server: {
    proxy: {
      '/graphql': { target, ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
