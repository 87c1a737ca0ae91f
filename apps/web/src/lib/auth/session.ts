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
  readonly role: 'viewer' | 'operator' | null;
}

export type SignInResult = { readonly ok: true; readonly role: 'viewer' | 'operator' } | { readonly ok: false; readonly message: string };

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
  const body = (await response.json().catch(() => ({}))) as { role?: 'viewer' | 'operator'; error?: string };
  if (response.ok && body.role) return { ok: true, role: body.role };
  if (response.status === 401) return { ok: false, message: 'Wrong token.' };
  return { ok: false, message: body.error ?? `Sign-in failed (${response.status}).` };
}

export async function signOut(fetchImpl: typeof fetch = fetch): Promise<void> {
  await fetchImpl(SESSION_PATH, { method: 'DELETE' });
}

/**
 * Where to go after signing in: a path of this site only (no `//host` or
 * `https://...`: no open redirect). Default `/`.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith(SIGN_IN_PATH)) return '/';
  return next;
}

/** The sign-in page's URL that comes back to `path` afterwards. */
export function signInHref(path: string): string {
  return `${SIGN_IN_PATH}?next=${encodeURIComponent(safeNext(path))}`;
}

/** Whether an error means "sign in first": GraphQL `UNAUTHENTICATED`, or the WebSocket closed with 4401. */
export function needsSignIn(error: { readonly code?: unknown } | null | undefined): boolean {
  return error?.code === 'UNAUTHENTICATED' || error?.code === 4401;
}
