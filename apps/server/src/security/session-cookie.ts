/**
 * The UI's session cookie: `servercam_session=v1.<role>.<expiry>.<mac>`,
 * `HttpOnly; SameSite=Strict; Path=/`. Stateless: the MAC is an HMAC-SHA256
 * keyed by a digest of the role's token, so a session survives a restart and
 * ends when the token changes. The token itself is never in the cookie.
 *
 * Routes (`/auth/session`): `POST` `{ "token": "..." }` signs in (sets the
 * cookie), `GET` says whether auth is on and who is signed in, `DELETE` signs out.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Role } from './auth.ts';

export const SESSION_COOKIE = 'servercam_session';
export const SESSION_PATH = '/auth/session';
/** A session lasts this long (seconds). */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

export interface SessionKeys {
  readonly viewer: Buffer | undefined;
  readonly operator: Buffer | undefined;
}

function mac(key: Buffer, role: Role, expires: number): string {
  return createHmac('sha256', key).update(`${role}.${expires}`).digest('base64url');
}

/** The cookie's value for `role`, valid until now + maxAge. */
export function sessionValue(keys: SessionKeys, role: Role, now = Date.now(), maxAgeS = SESSION_MAX_AGE_S): string {
  const key = keys[role];
  if (!key) throw new Error(`no ${role} token configured`);
  const expires = Math.floor(now / 1000) + maxAgeS;
  return `v1.${role}.${expires}.${mac(key, role, expires)}`;
}

/** The `Set-Cookie` header that signs in. `secure` when the page was served over https. */
export function sessionSetCookie(value: string, secure: boolean, maxAgeS = SESSION_MAX_AGE_S): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` header that signs out. */
export function sessionClearCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The role of a valid, unexpired session cookie in a `Cookie` header. */
export function readSessionCookie(header: string | null, keys: SessionKeys, now = Date.now()): Role | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const role = verify(part.slice(eq + 1).trim(), keys, now);
    if (role) return role;
  }
  return undefined;
}

function verify(value: string, keys: SessionKeys, now: number): Role | undefined {
  const [version, role, expiresText, given] = value.split('.');
  if (version !== 'v1' || (role !== 'viewer' && role !== 'operator') || !expiresText || !given) return undefined;
  const key = keys[role];
  const expires = Number(expiresText);
  if (!key || !/^\d{1,12}$/.test(expiresText) || expires * 1000 <= now) return undefined;
  const expected = Buffer.from(mac(key, role, expires));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? role : undefined;
}
