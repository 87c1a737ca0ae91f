/**
 * `/auth/session`: the UI's sign-in. `POST { "token": "..." }` (JSON or a
 * form) sets the session cookie for the token (a role token, a stored access
 * token or a share link: the session gets what the token grants, no more),
 * `GET` tells whether auth is on and who is signed in (`role`, and the
 * `capabilities`, `cameras`, `shareLink` and `expiresAt` of GraphQL's
 * `Viewer`; all null/empty when signed out), `DELETE` signs out: the session is revoked
 * (sessions.ts), so its cookie is refused from then on, wherever it was
 * copied. Sign-in attempts are rate limited per client address, and a wrong
 * token counts against the address's failed-auth budget (failed-auth.ts).
 * @module
 */
import { viewerOf } from '../access/graphql.ts';
import type { Authenticator, Principal } from './auth.ts';
import { rateLimitedResponse } from './failed-auth.ts';
import { RateLimiter } from './limits.ts';
import { newGrantSession, newSession, readSessionCookie, type Session, SESSION_MAX_AGE_S, sessionClearCookie, sessionSetCookie, sessionValue } from './session-cookie.ts';

/** What `GET /auth/session` tells of a caller: its role, and what it may do (GraphQL's `Viewer`). */
function describe(principal: Principal | undefined): Record<string, unknown> {
  if (!principal) return { role: null, capabilities: [], cameras: [], shareLink: false, expiresAt: null };
  return { role: principal.role, ...viewerOf(principal.grant) };
}

/** The session a sign-in with `principal`'s token makes. */
function sessionFor(principal: Principal): Session {
  const { grant } = principal;
  if (grant.kind === 'token' || grant.kind === 'link') return newGrantSession({ kind: grant.kind, id: grant.id }, grant.expiresAt);
  return newSession(principal.role);
}

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
      return json({ authRequired: this.#auth.enabled, ...describe(principal) });
    }
    if (request.method === 'DELETE') {
      // Revoke the session of the cookie that came, if genuine (even from an address over its failed-auth budget).
      const cookie = readSessionCookie(request.headers.get('cookie'), this.#auth.sessionKeys);
      if (cookie?.status === 'valid') {
        this.#auth.sessions.revoke(cookie.session);
        if (principal) this.#auth.note({ kind: 'signed-out', principal });
      }
      return json(describe(undefined), 200, { 'Set-Cookie': sessionClearCookie(secure) });
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
    this.#auth.note({ kind: 'signed-in', principal: result.principal });
    const session = sessionFor(result.principal);
    const maxAgeS = Math.max(1, Math.min(SESSION_MAX_AGE_S, session.expires - Math.floor(Date.now() / 1000)));
    return json(describe(result.principal), 200, { 'Set-Cookie': sessionSetCookie(sessionValue(this.#auth.sessionKeys, session), secure, maxAgeS) });
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
