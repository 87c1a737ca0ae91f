// The live view renders in the browser: index.html is the SPA fallback page the server serves for it.
export const prerender = false;
