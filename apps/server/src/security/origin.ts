/**
 * Cross-site requests: a page of another site may not open a WebSocket
 * (cross-site WebSocket hijacking: browsers apply no CORS to WebSockets), nor
 * POST or subscribe over SSE (CSRF). Same-origin pages and the configured
 * allowlist may; clients that send no `Origin` (curl, VLC, scripts) may too,
 * since a browser always sends one on these requests.
 * @module
 */

/** Whether a request carrying `origin` to this server at `host` (its Host header) may proceed. */
export function isAllowedOrigin(origin: string | null | undefined, host: string | null | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined || origin === null) return true;
  if (allowed.has(origin)) return true;
  try {
    // Host names are case-insensitive; the URL parser gives the origin's in lower case.
    return host !== undefined && host !== null && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Whether an HTTP request is one a foreign page must not make: anything but
 * GET/HEAD/OPTIONS (POST: mutations, queries), and SSE (`Accept: text/event-stream`).
 */
export function needsOriginCheck(request: Request): boolean {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return true;
  return (request.headers.get('accept') ?? '').includes('text/event-stream');
}

export function foreignOriginResponse(origin: string): Response {
  return Response.json(
    { error: `Forbidden: requests from pages of ${JSON.stringify(origin)} are not allowed (see allowedOrigins / --allow-origin)`, code: 'FORBIDDEN_ORIGIN' },
    { status: 403, headers: { 'Cache-Control': 'no-store' } },
  );
}
