/**
 * Security headers for the pages servercam serves (the UI, GraphiQL, the
 * links page): no framing, no sniffing, no referrer, and a CSP that allows
 * only this server's own scripts plus the page's inline scripts by their
 * sha256 (computed from the page itself, so the SvelteKit bootstrap and the
 * inlined GraphiQL bundle run, and nothing injected does).
 * @module
 */
import { createHash } from 'node:crypto';

/** Headers for every response (API and pages). */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/** sha256 sources of the inline scripts of an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(INLINE_SCRIPT)) {
    const attributes = match[1] ?? '';
    if (/\bsrc\s*=/i.test(attributes)) continue;
    hashes.add(`'sha256-${createHash('sha256').update(match[2] ?? '', 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

/** The Content-Security-Policy for an HTML page. */
export function contentSecurityPolicy(html: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(html).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers for an HTML page whatever it holds: no framing, an opener policy, no powerful features. */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** Headers for an HTML page. */
export function pageHeaders(html: string): Record<string, string> {
  return { ...BASE_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(html), ...PAGE_HEADERS };
}

/** Whether a Content-Type is one a browser renders as a page (and a foreign page could frame). */
export function isHtml(contentType: string | null): boolean {
  const type = (contentType ?? '').trimStart().slice(0, 32).toLowerCase();
  return type.startsWith('text/html') || type.startsWith('application/xhtml+xml');
}

/**
 * `headers` set on `response` (`override`: even where it has one), in place;
 * a response whose headers are immutable (`Response.redirect`) is copied.
 */
function withHeaders(response: Response, headers: Readonly<Record<string, string>>, override: boolean): Response {
  try {
    for (const [name, value] of Object.entries(headers)) if (override || !response.headers.has(name)) response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Headers(response.headers);
    for (const [name, value] of Object.entries(headers)) if (override || !copy.has(name)) copy.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: copy });
  }
}

const pages = new Map<string, Record<string, string>>();

/**
 * The headers of every response the app gives, applied once where the app
 * answers (app.ts), so no route can forget them: the base headers on all; on
 * every HTML response, wherever it comes from (the UI, its fallback, GraphiQL
 * with or without a query string, the links page), the page headers, with a
 * CSP computed from the page itself (once per distinct page). A 304 or HEAD
 * carries no page: it gets the page headers but no CSP (a 304's headers
 * replace the cached ones, and a CSP computed from no page would name none of
 * its scripts). Other bodies (streams included) pass through untouched.
 */
export async function withSecurityHeaders(response: Response): Promise<Response> {
  if (!isHtml(response.headers.get('content-type'))) return withHeaders(response, BASE_HEADERS, false);
  // A page that has its CSP already was secured where it was made (routes/static-asset.ts computes it from the
  // page before encoding it; an encoded body cannot be read as HTML here); a 304 or HEAD has no page.
  if (!response.body || response.headers.has('content-security-policy') || response.headers.has('content-encoding')) {
    return withHeaders(withHeaders(response, BASE_HEADERS, false), PAGE_HEADERS, true);
  }
  const html = await response.text();
  let extra = pages.get(html);
  if (!extra) {
    extra = pageHeaders(html);
    if (pages.size >= 16) pages.clear();
    pages.set(html, extra);
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  headers.delete('content-length');
  return new Response(html, { status: response.status, statusText: response.statusText, headers });
}
