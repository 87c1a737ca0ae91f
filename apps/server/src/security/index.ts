/**
 * The security layer of the server, in one object the app and the adapter
 * consult: who is calling ({@link Authenticator}), from which site
 * (origin.ts), how much they may ask (limits.ts), and the headers of the
 * pages (headers.ts). docs/security.md gives the threat model.
 * @module
 */
import { Authenticator, type AuthTokens } from './auth.ts';
import { ConnectionCounter, type Limits, resolveLimits } from './limits.ts';
import { isAllowedOrigin } from './origin.ts';
import { SessionRoute } from './session-route.ts';

export interface SecurityOptions {
  readonly auth?: AuthTokens | undefined;
  readonly limits?: Partial<Limits> | undefined;
  readonly allowedOrigins?: readonly string[] | undefined;
}

export class Security {
  readonly auth: Authenticator;
  readonly limits: Limits;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly connections: ConnectionCounter;
  readonly session: SessionRoute;

  constructor(options: SecurityOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.auth = new Authenticator(options.auth, { failedAuthPerMinute: this.limits.failedAuthPerMinute });
    this.allowedOrigins = new Set(options.allowedOrigins ?? []);
    this.connections = new ConnectionCounter(this.limits.maxConnectionsPerAddress);
    this.session = new SessionRoute(this.auth);
  }

  allowsOrigin(origin: string | null | undefined, host: string | null | undefined): boolean {
    return isAllowedOrigin(origin, host, this.allowedOrigins);
  }
}

export { type AuthTokens, type Principal, type Role, TOKEN_ENV, MIN_TOKEN_BITS, MIN_TOKEN_LENGTH, SAME_TOKEN_MESSAGE, tokenBits, tokenProblem } from './auth.ts';
export { DEFAULT_LIMITS, LIMIT_KEYS, LIMIT_MAX, type Limits } from './limits.ts';
export { checkExposure, ExposureError, isLoopbackHost } from './exposure.ts';
