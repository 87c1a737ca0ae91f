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

/** Headers for an HTML page. */
export function pageHeaders(html: string): Record<string, string> {
  return {
    ...BASE_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy(html),
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

const pages = new Map<string, Record<string, string>>();

/**
 * Adds the base headers to a response, and the page headers (with the CSP) to
 * an HTML one. The headers of each distinct page are computed once.
 */
export async function withSecurityHeaders(response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(BASE_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  const init = { status: response.status, statusText: response.statusText, headers };
  // A 304 or HEAD carries no page: no CSP either (a 304's headers replace the cached ones, and a CSP
  // computed from no page would name none of its scripts).
  // A page that has its CSP already was secured where it was made (routes/static-asset.ts computes it
  // from the page before encoding it); an encoded body cannot be read as HTML here.
  if (
    !(headers.get('content-type') ?? '').startsWith('text/html') ||
    !response.body ||
    headers.has('content-security-policy') ||
    headers.has('content-encoding')
  ) {
    return new Response(response.body, init);
  }
  const html = await response.text();
  let extra = pages.get(html);
  if (!extra) {
    extra = pageHeaders(html);
    if (pages.size >= 16) pages.clear();
    pages.set(html, extra);
  }
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  headers.delete('content-length');
  return new Response(html, init);
}
