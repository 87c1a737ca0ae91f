/**
 * Who is calling: tokens for two roles, compared in constant time, from an
 * `Authorization: Bearer` header, graphql-ws `connectionParams.authorization`
 * or the UI's session cookie (unless signed out: sessions.ts). Tokens are
 * never logged or echoed. Failed authentications are limited per client
 * address on every transport (failed-auth.ts).
 *
 * - **viewer**: queries, subscriptions, snapshots, MJPEG.
 * - **operator**: all of that, plus mutations.
 *
 * With no token configured, auth is off and everyone is an operator (the
 * server then only listens on loopback unless `--insecure-no-auth`; see
 * exposure.ts). With any token configured there is no exemption, not even for
 * localhost.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { FailedAuthLimiter } from './failed-auth.ts';
import { readSessionCookie, type Session, type SessionKeys } from './session-cookie.ts';
import { SessionRevocations } from './sessions.ts';

export type Role = 'viewer' | 'operator';

export interface AuthTokens {
  readonly viewerToken?: string | undefined;
  readonly operatorToken?: string | undefined;
}

/** A caller: its role, and the client address (for limits). */
export interface Principal {
  readonly role: Role;
  readonly address: string;
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

export interface AuthenticatorOptions {
  /** Failed authentications per client address and minute (default 30). */
  readonly failedAuthPerMinute?: number | undefined;
}

/** The env variables that hold the tokens (either turns auth on). */
export const TOKEN_ENV = { viewer: 'SERVERCAM_VIEWER_TOKEN', operator: 'SERVERCAM_OPERATOR_TOKEN' } as const;

export { MIN_TOKEN_BITS, MIN_TOKEN_LENGTH, tokenBits, tokenProblem } from './token-strength.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export const SAME_TOKEN_MESSAGE = 'the viewer and operator tokens must differ: with one token for both roles every viewer is an operator';

/** Whether `role` may do what `required` may. */
export function hasRole(role: Role, required: Role): boolean {
  return required === 'viewer' || role === 'operator';
}

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

  /** @throws {TypeError} when both roles have the same token (every viewer would be an operator). */
  constructor(tokens: AuthTokens = {}, options: AuthenticatorOptions = {}) {
    this.failures = new FailedAuthLimiter(options.failedAuthPerMinute ?? 30);
    if (tokens.viewerToken && tokens.viewerToken === tokens.operatorToken) throw new TypeError(SAME_TOKEN_MESSAGE);
    const entries: Array<{ role: Role; digest: Buffer }> = [];
    if (tokens.operatorToken) entries.push({ role: 'operator', digest: digest(tokens.operatorToken) });
    if (tokens.viewerToken) entries.push({ role: 'viewer', digest: digest(tokens.viewerToken) });
    this.#digests = entries;
    this.sessionKeys = {
      viewer: tokens.viewerToken ? digest(`servercam-session-v1:viewer:${tokens.viewerToken}`) : undefined,
      operator: tokens.operatorToken ? digest(`servercam-session-v1:operator:${tokens.operatorToken}`) : undefined,
    };
  }

  /** Whether any token is configured. */
  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  /** The role a token grants, compared in constant time against every configured token. */
  roleOfToken(token: string | undefined): Role | undefined {
    if (token === undefined || token === '') return undefined;
    const given = digest(token);
    let role: Role | undefined;
    for (const entry of this.#digests) {
      // No early exit: every token is compared.
      if (timingSafeEqual(given, entry.digest) && role === undefined) role = entry.role;
    }
    return role;
  }

  /**
   * The caller of an HTTP request (or a WebSocket upgrade): `Authorization:
   * Bearer`, else the session cookie. With auth off, an operator.
   */
  authenticate(headers: Headers, address: string): AuthResult {
    if (!this.enabled) return { kind: 'ok', principal: { role: 'operator', address } };
    const bearer = bearerToken(headers.get('authorization'));
    if (bearer !== undefined) return this.#attempt(address, () => this.#principal(this.roleOfToken(bearer), address));
    const cookie = readSessionCookie(headers.get('cookie'), this.sessionKeys);
    if (cookie === undefined || cookie.status === 'expired') return { kind: 'anonymous' };
    if (cookie.status === 'forged') return this.#attempt(address, () => undefined);
    const { session } = cookie;
    if (!this.sessions.isActive(session)) return { kind: 'anonymous' };
    return this.#attempt(address, () => ({ role: session.role, address, session }));
  }

  /** {@link authenticate}'s caller, if any. */
  fromHeaders(headers: Headers, address: string): Principal | undefined {
    const result = this.authenticate(headers, address);
    return result.kind === 'ok' ? result.principal : undefined;
  }

  /** The caller of a graphql-ws connection: `connectionParams.authorization` = `"Bearer <token>"`. */
  connect(params: Readonly<Record<string, unknown>> | undefined, address: string): AuthResult {
    if (!this.enabled) return { kind: 'ok', principal: { role: 'operator', address } };
    const token = bearerToken(params?.['authorization'] ?? params?.['Authorization']);
    return this.#attempt(address, () => this.#principal(this.roleOfToken(token), address));
  }

  /** {@link connect}'s caller, if any. */
  fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined, address: string): Principal | undefined {
    const result = this.connect(params, address);
    return result.kind === 'ok' ? result.principal : undefined;
  }

  /** A sign-in with `token` (`POST /auth/session`): counted like any other credential. */
  signIn(token: string | undefined, address: string): AuthResult {
    return this.#attempt(address, () => this.#principal(this.roleOfToken(token), address));
  }

  #principal(role: Role | undefined, address: string): Principal | undefined {
    return role ? { role, address } : undefined;
  }

  /** Checks credentials unless `address` is over its budget; a failure is counted. */
  #attempt(address: string, check: () => Principal | undefined): AuthResult {
    const retryAfterS = this.failures.retryAfterS(address);
    if (retryAfterS > 0) return { kind: 'limited', retryAfterS };
    const principal = check();
    if (principal) return { kind: 'ok', principal };
    this.failures.fail(address);
    return { kind: 'refused' };
  }
}

export const UNAUTHENTICATED_MESSAGE = 'Unauthenticated: sign in, or send "Authorization: Bearer <token>"';

export function unauthenticatedError(): GraphQLError {
  return new GraphQLError(UNAUTHENTICATED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbiddenError(what: string): GraphQLError {
  return new GraphQLError(`Forbidden: ${what} needs the operator role`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

/** 401 for a plain-HTTP route (JSON), or a GraphQL response for `/graphql`. */
export function unauthenticatedResponse(graphql: boolean): Response {
  const headers = { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="servercam"' };
  if (graphql) {
    return Response.json({ errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] }, { status: 401, headers });
  }
  return Response.json({ error: UNAUTHENTICATED_MESSAGE, code: 'UNAUTHENTICATED' }, { status: 401, headers });
}
