/**
 * The UI's session cookie:
 * `servercam_session=v2.<role>.<issued>.<expires>.<id>.<mac>`,
 * `HttpOnly; SameSite=Strict; Path=/`. The MAC is an HMAC-SHA256 keyed by a
 * digest of the role's token, so a session works on every server that has
 * the token (every gateway) and ends when the token changes; the token itself
 * is never in the cookie. `id` is a random session id, so one session can be
 * revoked on sign-out (sessions.ts) while the others go on.
 *
 * A session of a stored access token or a share link (access/) is
 * `v3.<t|l>.<token or link id>.<issued>.<expires>.<id>.<mac>`, keyed by the
 * database's `sessions` secret: it lives while its token or link does
 * (checked on every request), and never past the credential's expiry.
 *
 * Routes (`/auth/session`): `POST` `{ "token": "..." }` signs in (sets the
 * cookie), `GET` says whether auth is on and who is signed in, `DELETE` signs out.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Role } from './auth.ts';
import { macMatches, macOf } from './digest.ts';

export const SESSION_COOKIE = 'servercam_session';
export const SESSION_PATH = '/auth/session';
/** A session lasts this long (seconds). */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

export interface SessionKeys {
  readonly viewer: Buffer | undefined;
  readonly operator: Buffer | undefined;
  readonly admin?: Buffer | undefined;
  /** The key of sessions of stored tokens and share links (`v3`). */
  readonly access?: Buffer | undefined;
}

/** The stored token (`token`) or share link (`link`) a `v3` session stands for. */
export interface SessionGrant {
  readonly kind: 'token' | 'link';
  readonly id: string;
}

/** A session cookie whose MAC is right. */
export interface Session {
  /** A role token's session: its role. A `v3` session: `viewer`, unused (its grant is looked up on each request). */
  readonly role: Role;
  /** A `v3` session: the token or link it stands for. */
  readonly grant?: SessionGrant | undefined;
  /** Random, 128 bits, base64url. */
  readonly id: string;
  /** Seconds since the epoch. */
  readonly issued: number;
  readonly expires: number;
}

/**
 * What a `Cookie` header holds: no session cookie (`undefined`), a `valid`
 * one, one that is genuine but `expired`, or a `forged` one (bad MAC or shape:
 * a guess, which counts as a failed authentication).
 */
export type SessionCookie =
  | { readonly status: 'valid'; readonly session: Session }
  | { readonly status: 'expired' }
  | { readonly status: 'forged' };

/** A new session for `role`, valid until now + maxAge. */
export function newSession(role: Role, now = Date.now(), maxAgeS = SESSION_MAX_AGE_S): Session {
  const issued = Math.floor(now / 1000);
  return { role, id: randomBytes(16).toString('base64url'), issued, expires: issued + maxAgeS };
}

/** A new session of a stored token or share link, ending at the latest with its `expiresAt` (epoch ms). */
export function newGrantSession(grant: SessionGrant, expiresAt: number | undefined, now = Date.now()): Session {
  const issued = Math.floor(now / 1000);
  const expires = Math.min(issued + SESSION_MAX_AGE_S, expiresAt === undefined ? Infinity : Math.floor(expiresAt / 1000));
  return { role: 'viewer', grant, id: randomBytes(16).toString('base64url'), issued, expires };
}

/** The cookie's value for `session`. */
export function sessionValue(keys: SessionKeys, session: Session): string {
  if (session.grant) {
    if (!keys.access) throw new Error('no access store');
    const body = `v3.${session.grant.kind === 'token' ? 't' : 'l'}.${session.grant.id}.${session.issued}.${session.expires}.${session.id}`;
    return `${body}.${macOf(keys.access, body)}`;
  }
  const key = keys[session.role];
  if (!key) throw new Error(`no ${session.role} token configured`);
  const body = `v2.${session.role}.${session.issued}.${session.expires}.${session.id}`;
  return `${body}.${macOf(key, body)}`;
}

/** The `Set-Cookie` header that signs in. `secure` when the page was served over https. */
export function sessionSetCookie(value: string, secure: boolean, maxAgeS = SESSION_MAX_AGE_S): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` header that signs out. */
export function sessionClearCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The session cookie of a `Cookie` header (a valid one wins over others of the same name). */
/** Session cookies verified in one Cookie header, at most. */
const MAX_SESSION_COOKIES = 4;

export function readSessionCookie(header: string | null, keys: SessionKeys, now = Date.now()): SessionCookie | undefined {
  if (!header) return undefined;
  let found: SessionCookie | undefined;
  let candidates = 0;
  // Cookie headers are capped by the HTTP layer; split and indexOf are linear. A browser sends one session
  // cookie (two around a sign-in): only the first few are verified, so a header stuffed with them costs no HMACs.
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    if (++candidates > MAX_SESSION_COOKIES) break;
    const cookie = verify(part.slice(eq + 1).trim(), keys, now);
    if (cookie.status === 'valid') return cookie;
    if (found?.status !== 'expired') found = cookie;
  }
  return found;
}

const DIGITS = /^\d{1,12}$/;
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const GRANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A genuine session: `valid` until it expires. */
function current(session: Session, now: number): SessionCookie {
  return session.expires * 1000 <= now ? { status: 'expired' } : { status: 'valid', session };
}

function verifyGrant(parts: readonly string[], keys: SessionKeys, now: number): SessionCookie {
  if (parts.length !== 7 || !keys.access) return { status: 'forged' };
  const [, kind, grantId, issuedText, expiresText, id, given] = parts as [string, string, string, string, string, string, string];
  if ((kind !== 't' && kind !== 'l') || !GRANT_ID.test(grantId) || !DIGITS.test(issuedText) || !DIGITS.test(expiresText) || !SESSION_ID.test(id)) {
    return { status: 'forged' };
  }
  if (!macMatches(keys.access, parts.slice(0, 6).join('.'), given)) return { status: 'forged' };
  const grant: SessionGrant = { kind: kind === 't' ? 'token' : 'link', id: grantId };
  const session: Session = { role: 'viewer', grant, id, issued: Number(issuedText), expires: Number(expiresText) };
  return current(session, now);
}

function verify(value: string, keys: SessionKeys, now: number): SessionCookie {
  const parts = value.split('.');
  // A cookie of the stateless v1 format, from before session ids: never accepted, and not a guess.
  if (parts[0] === 'v1') return { status: 'expired' };
  if (parts[0] === 'v3') return verifyGrant(parts, keys, now);
  if (parts.length !== 6) return { status: 'forged' };
  const [version, role, issuedText, expiresText, id, given] = parts as [string, string, string, string, string, string];
  if (version !== 'v2' || (role !== 'viewer' && role !== 'operator' && role !== 'admin') || !DIGITS.test(issuedText) || !DIGITS.test(expiresText) || !SESSION_ID.test(id)) {
    return { status: 'forged' };
  }
  const key = keys[role];
  if (!key) return { status: 'forged' };
  if (!macMatches(key, `v2.${role}.${issuedText}.${expiresText}.${id}`, given)) return { status: 'forged' };
  const session: Session = { role, id, issued: Number(issuedText), expires: Number(expiresText) };
  return current(session, now);
}
