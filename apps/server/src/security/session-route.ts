/**
 * `/auth/session`: the UI's sign-in. `POST { "token": "..." }` (JSON or a
 * form) sets the session cookie for the token's role, `GET` tells whether auth
 * is on and who is signed in, `DELETE` signs out: the session is revoked
 * (sessions.ts), so its cookie is refused from then on, wherever it was
 * copied. Sign-in attempts are rate limited per client address, and a wrong
 * token counts against the address's failed-auth budget (failed-auth.ts).
 * @module
 */
import type { Authenticator, Principal } from './auth.ts';
import { rateLimitedResponse } from './failed-auth.ts';
import { RateLimiter } from './limits.ts';
import { newSession, readSessionCookie, sessionClearCookie, sessionSetCookie, sessionValue } from './session-cookie.ts';

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });

export class SessionRoute {
  readonly #auth: Authenticator;
  readonly #attempts = new RateLimiter(30, 10);

  constructor(auth: Authenticator) {
    this.#auth = auth;
  }

  async respond(request: Request, principal: Principal | undefined, address: string): Promise<Response> {
    const secure = new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
    if (request.method === 'GET' || request.method === 'HEAD') {
      return json({ authRequired: this.#auth.enabled, role: principal?.role ?? null });
    }
    if (request.method === 'DELETE') {
      // Revoke the session of the cookie that came, if genuine (even from an address over its failed-auth budget).
      const cookie = readSessionCookie(request.headers.get('cookie'), this.#auth.sessionKeys);
      if (cookie?.status === 'valid') this.#auth.sessions.revoke(cookie.session);
      return json({ role: null }, 200, { 'Set-Cookie': sessionClearCookie(secure) });
    }
    if (request.method !== 'POST') return json({ error: 'Method not allowed: use GET, POST or DELETE' }, 405, { Allow: 'GET, HEAD, POST, DELETE' });
    if (!this.#auth.enabled) return json({ error: 'This server has no tokens configured: there is nothing to sign in to', code: 'AUTH_DISABLED' }, 400);
    if (!this.#attempts.take(address)) {
      return json({ error: 'Too many sign-in attempts: wait a minute', code: 'RATE_LIMITED' }, 429, { 'Retry-After': '60' });
    }
    const token = await tokenOf(request);
    const result = this.#auth.signIn(token, address);
    if (result.kind === 'limited') return rateLimitedResponse(result.retryAfterS, false);
    if (result.kind !== 'ok') return json({ error: 'Wrong token', code: 'UNAUTHENTICATED' }, 401);
    const { role } = result.principal;
    return json({ role }, 200, { 'Set-Cookie': sessionSetCookie(sessionValue(this.#auth.sessionKeys, newSession(role)), secure) });
  }
}

async function tokenOf(request: Request): Promise<string | undefined> {
  const type = request.headers.get('content-type') ?? '';
  try {
    if (type.includes('application/x-www-form-urlencoded')) {
      const value = new URLSearchParams(await request.text()).get('token');
      return value ?? undefined;
    }
    const body = (await request.json()) as { token?: unknown };
    return typeof body?.token === 'string' ? body.token : undefined;
  } catch {
    return undefined;
  }
}
