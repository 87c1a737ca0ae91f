/**
 * Sign-in against servercam's `/auth/session`: a token is exchanged for an
 * `HttpOnly; SameSite=Strict` session cookie that the page's GraphQL (HTTP
 * and WebSocket), `<img>` MJPEG streams and snapshots then carry. The page
 * never sees the cookie, and keeps no token.
 * @module
 */

export const SESSION_PATH = '/auth/session';
export const SIGN_IN_PATH = '/sign-in';

export interface SessionStatus {
  readonly authRequired: boolean;
  /** The role of a `SERVERCAM_VIEWER_TOKEN` / `SERVERCAM_OPERATOR_TOKEN` session; null for a scoped token's. */
  readonly role: 'viewer' | 'operator' | 'admin' | null;
}

/** `role`: a role token's; null for a scoped token, whose capabilities the `viewer` query tells. */
export type SignInResult = { readonly ok: true; readonly role: SessionStatus['role'] } | { readonly ok: false; readonly message: string };

/** Whether auth is on, and who this browser is signed in as. */
export async function sessionStatus(fetchImpl: typeof fetch = fetch): Promise<SessionStatus> {
  const response = await fetchImpl(SESSION_PATH, { headers: { accept: 'application/json' } });
  return (await response.json()) as SessionStatus;
}

/** Exchanges `token` for the session cookie. */
export async function signIn(token: string, fetchImpl: typeof fetch = fetch): Promise<SignInResult> {
  let response: Response;
  try {
    response = await fetchImpl(SESSION_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token }),
    });
  } catch {
    return { ok: false, message: 'Server unreachable: try again.' };
  }
  const body = (await response.json().catch(() => ({}))) as { role?: SessionStatus['role']; error?: string };
  if (response.ok) return { ok: true, role: body.role ?? null };
  if (response.status === 401) return { ok: false, message: 'Wrong token.' };
  return { ok: false, message: body.error ?? `Sign-in failed (${response.status}).` };
}

export async function signOut(fetchImpl: typeof fetch = fetch): Promise<void> {
  await fetchImpl(SESSION_PATH, { method: 'DELETE' });
}

/** The origin `safeNext` resolves against when none is given: the page's own. */
function pageOrigin(): string {
  return globalThis.location?.origin && globalThis.location.origin !== 'null' ? globalThis.location.origin : 'http://localhost';
}

/**
 * Where to go after signing in: a path of this site only, never another site
 * (no open redirect). `next` is resolved as the browser would resolve it,
 * with `new URL(next, origin)` (which drops tabs and newlines and reads `\`
 * as `/`), and kept only when it stays on `origin`; what is returned is the
 * resolved path, query and fragment, never the raw text. A path the browser
 * would read as another host (`//host`), the sign-in page itself, or
 * anything else gives `/`.
 */
export function safeNext(next: string | null | undefined, origin: string = pageOrigin()): string {
  if (typeof next !== 'string' || next === '' || next.length > 2048) return '/';
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(next, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A resolved path such as "//evil.example" (from "/.//evil.example") is another host for the browser.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/';
  if (url.pathname === SIGN_IN_PATH || url.pathname.startsWith(`${SIGN_IN_PATH}/`)) return '/';
  return path;
}

/** The sign-in page's URL that comes back to `path` afterwards. */
export function signInHref(path: string): string {
  return `${SIGN_IN_PATH}?next=${encodeURIComponent(safeNext(path))}`;
}

/** Whether an error means "sign in first": GraphQL `UNAUTHENTICATED`, or the WebSocket closed with 4401. */
export function needsSignIn(error: { readonly code?: unknown } | null | undefined): boolean {
  return error?.code === 'UNAUTHENTICATED' || error?.code === 4401;
}
