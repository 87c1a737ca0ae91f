// SvelteKit configuration: a static build (the server serves `build/` at `/`,
// falling back to index.html for client-side routes).
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    // The app is served under / by `servercam serve`; absolute asset paths keep
    // deep links served by the SPA fallback working.
    paths: { relative: false },
  },
};

export default config;
