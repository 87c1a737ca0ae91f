// The events page reads its query string (?event=ID) in the browser: the SPA fallback page serves it.
export const prerender = false;
