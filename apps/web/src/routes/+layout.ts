// Every page is prerendered as a shell; the live parts connect in the browser.
export const prerender = true;
export const trailingSlash = 'never';
