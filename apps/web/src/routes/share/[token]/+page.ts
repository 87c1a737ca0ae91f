// A share view reads its token from the URL in the browser: the SPA fallback page serves it.
export const prerender = false;
