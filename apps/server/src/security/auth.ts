/**
 * Who is calling: configured role tokens (compared in constant time), stored
 * access tokens and share links (access/), from an `Authorization: Bearer`
 * header, graphql-ws `connectionParams.authorization` or the UI's session
 * cookie (unless signed out: sessions.ts). Tokens are never logged or echoed.
 * Failed authentications are limited per client address on every transport
 * (failed-auth.ts). Each caller gets a {@link Grant} (access/principal.ts):
 *
 * - **viewer** token: view and events on every camera.
 * - **operator** token: all of that, plus control (`updateStream`).
 * - **admin** token: every capability (tokens and links too).
 * - a stored token or a share link: its own cameras, capabilities and expiry.
 *
 * With no token configured, auth is off and everyone may do everything (the
 * server then only listens on loopback unless `--insecure-no-auth`; see
 * exposure.ts). With any token configured there is no exemption, not even for
 * localhost.
 * @module
 */
import { GraphQLError } from 'graphql';
import { type Grant, OPEN_GRANT, roleGrant, roleOfGrant, type RoleName } from '../access/principal.ts';
import { isLinkLive, linkGrant, ShareLinkStore } from '../access/share-links.ts';
import type { AccessStore } from '../access/store.ts';
import { isLive, tokenGrant } from '../access/token-store.ts';
import { sameDigest, sha256 } from './digest.ts';
import { FailedAuthLimiter } from './failed-auth.ts';
import { readSessionCookie, type Session, type SessionKeys } from './session-cookie.ts';
import { SessionRevocations } from './sessions.ts';

export type Role = RoleName;

export interface AuthTokens {
  readonly viewerToken?: string | undefined;
  readonly operatorToken?: string | undefined;
  /** Every capability on every camera: the first admin, who makes the other tokens. */
  readonly adminToken?: string | undefined;
}

/** A caller: what it may do, and the client address (for limits). */
export interface Principal {
  /** The role its grant amounts to (`GET /auth/session`'s `role`). */
  readonly role: Role;
  readonly address: string;
  /** The cameras, capabilities and expiry of its credential (access/scope.ts checks them). */
  readonly grant: Grant;
  /** The UI session it came with (its cookie), if that is how it authenticated. */
  readonly session?: Session | undefined;
}

/**
 * The outcome of checking a request's credentials: `ok`; `anonymous` (none
 * presented, or a session that expired or was signed out); `refused` (wrong:
 * counted as a failure); `limited` (the address is over its failed-auth
 * budget, so nothing was compared).
 */
export type AuthResult =
  | { readonly kind: 'ok'; readonly principal: Principal }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'limited'; readonly retryAfterS: number };

/** The outcome of {@link Authenticator.attempt}: `ok` with what the check gave, `refused` (counted) or `limited`. */
export type Attempt<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'refused' }
  | { readonly kind: 'limited'; readonly retryAfterS: number };

/**
 * What the audit trail hears of authentication (audit/record.ts): a failure
 * with the client address and a reason written by the server (never the
 * credential), a sign-in, a sign-out.
 */
export type AuthEvent =
  | { readonly kind: 'failed'; readonly address: string; readonly reason: string }
  | { readonly kind: 'signed-in' | 'signed-out'; readonly principal: Principal };

export interface AuthenticatorOptions {
  /** Failed authentications per client address and minute (default 30). */
  readonly failedAuthPerMinute?: number | undefined;
  /** Stored access tokens and share links; without it only the configured role tokens count. */
  readonly access?: AccessStore | undefined;
}

/** The env variables that hold the tokens (either turns auth on). */
export const TOKEN_ENV = { viewer: 'SERVERCAM_VIEWER_TOKEN', operator: 'SERVERCAM_OPERATOR_TOKEN', admin: 'SERVERCAM_ADMIN_TOKEN' } as const;

export { MIN_TOKEN_BITS, MIN_TOKEN_LENGTH, tokenBits, tokenProblem } from './token-strength.ts';

export const SAME_TOKEN_MESSAGE = 'the viewer, operator and admin tokens must differ: with one token for two roles every viewer is an operator';

/** The token of a `Bearer <token>` credential, or undefined. */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

export class Authenticator {
  /** sha256 of each token: every comparison is of 32 bytes, whatever the lengths. */
  readonly #digests: ReadonlyArray<{ readonly role: Role; readonly digest: Buffer }>;
  readonly sessionKeys: SessionKeys;
  readonly failures: FailedAuthLimiter;
  readonly sessions = new SessionRevocations();
  readonly access: AccessStore | undefined;
  readonly #listeners = new Set<(event: AuthEvent) => void>();

  /** @throws {TypeError} when two roles have the same token (every viewer would be an operator). */
  constructor(tokens: AuthTokens = {}, options: AuthenticatorOptions = {}) {
    this.failures = new FailedAuthLimiter(options.failedAuthPerMinute ?? 30);
    const given = [tokens.viewerToken, tokens.operatorToken, tokens.adminToken].filter(Boolean);
    if (new Set(given).size !== given.length) throw new TypeError(SAME_TOKEN_MESSAGE);
    const entries: Array<{ role: Role; digest: Buffer }> = [];
    if (tokens.adminToken) entries.push({ role: 'admin', digest: sha256(tokens.adminToken) });
    if (tokens.operatorToken) entries.push({ role: 'operator', digest: sha256(tokens.operatorToken) });
    if (tokens.viewerToken) entries.push({ role: 'viewer', digest: sha256(tokens.viewerToken) });
    this.#digests = entries;
    this.access = options.access;
    this.sessionKeys = {
      viewer: tokens.viewerToken ? sha256(`servercam-session-v1:viewer:${tokens.viewerToken}`) : undefined,
      operator: tokens.operatorToken ? sha256(`servercam-session-v1:operator:${tokens.operatorToken}`) : undefined,
      admin: tokens.adminToken ? sha256(`servercam-session-v1:admin:${tokens.adminToken}`) : undefined,
      // Sessions of stored tokens and share links: keyed by the database's secret, shared by the servers on it.
      access: options.access?.database.secret('sessions'),
    };
  }

  /** Calls `listener` with every {@link AuthEvent}; returns the unsubscribe. */
  onEvent(listener: (event: AuthEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Tells the listeners (session-route.ts tells of sign-ins and sign-outs). */
  note(event: AuthEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Whether any token is configured. */
  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  /** The role a token grants, compared in constant time against every configured token. */
  roleOfToken(token: string | undefined): Role | undefined {
    if (token === undefined || token === '') return undefined;
    return this.#roleOfDigest(sha256(token));
  }

  #roleOfDigest(given: Buffer): Role | undefined {
    let role: Role | undefined;
    for (const entry of this.#digests) {
      // No early exit: every token is compared.
      if (sameDigest(given, entry.digest) && role === undefined) role = entry.role;
    }
    return role;
  }

  /**
   * What a presented token grants: a configured role token (every one
   * compared, in constant time), else a share link (its MAC), else a stored
   * token (by its SHA-256). Undefined for a wrong, revoked or expired one.
   */
  grantOfToken(token: string | undefined, now = Date.now()): Grant | undefined {
    if (token === undefined || token === '') return undefined;
    // Hashed once: the role tokens are compared with it, and a stored token is looked up by it.
    const given = sha256(token);
    const role = this.#roleOfDigest(given);
    if (role) return roleGrant(role);
    if (!this.access) return undefined;
    if (ShareLinkStore.looksLikeLink(token)) {
      const link = this.access.links.verify(token, now);
      return link ? linkGrant(link) : undefined;
    }
    const stored = this.access.tokens.verify(token, now, given);
    return stored ? tokenGrant(stored) : undefined;
  }

  /** The grant behind a session of a stored token or share link, while that credential lives. */
  grantOfSession(session: Session, now = Date.now()): Grant | undefined {
    const subject = session.grant;
    if (!subject) return roleGrant(session.role);
    if (!this.access) return undefined;
    if (subject.kind === 'token') {
      const token = this.access.tokens.get(subject.id);
      if (!token || !isLive(token, now)) return undefined;
      this.access.tokens.noteUse(subject.id, now);
      return tokenGrant(token);
    }
    const link = this.access.links.get(subject.id);
    return link && isLinkLive(link, now) ? linkGrant(link) : undefined;
  }

  /** Whether a grant is still good (not revoked, not expired): live streams ask again when told of a change. */
  stillValid(grant: Grant, now = Date.now()): boolean {
    if (grant.expiresAt !== undefined && grant.expiresAt <= now) return false;
    if (grant.kind === 'token') return this.access?.tokens.isActive(grant.id, now) ?? false;
    if (grant.kind === 'link') return this.access?.links.isActive(grant.id, now) ?? false;
    return true;
  }

  /**
   * The caller of an HTTP request (or a WebSocket upgrade): `Authorization:
   * Bearer`, else the session cookie. With auth off, everything is allowed.
   */
  authenticate(headers: Headers, address: string): AuthResult {
    if (!this.enabled) return { kind: 'ok', principal: openPrincipal(address) };
    const bearer = bearerToken(headers.get('authorization'));
    if (bearer !== undefined) return this.#attempt(address, () => this.#principal(this.grantOfToken(bearer), address), 'wrong, revoked or expired bearer token');
    const cookie = readSessionCookie(headers.get('cookie'), this.sessionKeys);
    if (cookie === undefined || cookie.status === 'expired') return { kind: 'anonymous' };
    if (cookie.status === 'forged') return this.#attempt(address, () => undefined, 'forged session cookie');
    const { session } = cookie;
    if (!this.sessions.isActive(session)) return { kind: 'anonymous' };
    // A session of a token revoked or expired since: no longer anyone (not a guess, so not counted).
    const grant = this.grantOfSession(session);
    if (!grant) return { kind: 'anonymous' };
    return this.#attempt(address, () => ({ ...this.#principal(grant, address)!, session }), 'session cookie');
  }

  /** {@link authenticate}'s caller, if any. */
  fromHeaders(headers: Headers, address: string): Principal | undefined {
    const result = this.authenticate(headers, address);
    return result.kind === 'ok' ? result.principal : undefined;
  }

  /** The caller of a graphql-ws connection: `connectionParams.authorization` = `"Bearer <token>"`. */
  connect(params: Readonly<Record<string, unknown>> | undefined, address: string): AuthResult {
    if (!this.enabled) return { kind: 'ok', principal: openPrincipal(address) };
    const token = bearerToken(params?.['authorization'] ?? params?.['Authorization']);
    return this.#attempt(address, () => this.#principal(this.grantOfToken(token), address), 'wrong, revoked or expired token (graphql-ws)');
  }

  /** {@link connect}'s caller, if any. */
  fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined, address: string): Principal | undefined {
    const result = this.connect(params, address);
    return result.kind === 'ok' ? result.principal : undefined;
  }

  /** A sign-in with `token` (`POST /auth/session`): counted like any other credential. */
  signIn(token: string | undefined, address: string): AuthResult {
    return this.#attempt(address, () => this.#principal(this.grantOfToken(token), address), 'wrong, revoked or expired token (sign-in)');
  }

  #principal(grant: Grant | undefined, address: string): Principal | undefined {
    return grant ? { role: roleOfGrant(grant), address, grant } : undefined;
  }

  /**
   * Checks a credential unless `address` is over its failed-auth budget
   * (`limited`: nothing is compared, and the attempt is noted). A check that
   * gives nothing is a failure, noted with `reason` (never the credential)
   * and counted against the budget, unless `presented` is false (no
   * credential came: refused, not counted). Every door that takes a
   * credential goes through here (metrics/route.ts too).
   */
  attempt<T>(address: string, check: () => T | undefined, reason: string, presented = true): Attempt<T> {
    const retryAfterS = this.failures.retryAfterS(address);
    if (retryAfterS > 0) {
      this.note({ kind: 'failed', address, reason: 'over the failed-authentication budget' });
      return { kind: 'limited', retryAfterS };
    }
    const value = check();
    if (value !== undefined) return { kind: 'ok', value };
    if (presented) {
      this.note({ kind: 'failed', address, reason });
      this.failures.fail(address);
    }
    return { kind: 'refused' };
  }

  #attempt(address: string, check: () => Principal | undefined, reason: string): AuthResult {
    const result = this.attempt(address, check, reason);
    return result.kind === 'ok' ? { kind: 'ok', principal: result.value } : result;
  }
}

/** The caller when auth is off: every capability on every camera. */
export function openPrincipal(address: string): Principal {
  return { role: 'admin', address, grant: OPEN_GRANT };
}

export const UNAUTHENTICATED_MESSAGE = 'Unauthenticated: sign in, or send "Authorization: Bearer <token>"';

export function unauthenticatedError(): GraphQLError {
  return new GraphQLError(UNAUTHENTICATED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** 401 for a plain-HTTP route (JSON), or a GraphQL response for `/graphql`. */
export function unauthenticatedResponse(graphql: boolean): Response {
  const headers = { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="servercam"' };
  if (graphql) {
    return Response.json({ errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] }, { status: 401, headers });
  }
  return Response.json({ error: UNAUTHENTICATED_MESSAGE, code: 'UNAUTHENTICATED' }, { status: 401, headers });
}
