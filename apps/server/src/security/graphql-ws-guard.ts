/**
 * The checks of a graphql-ws connection, as small functions the transport
 * calls, plus {@link guardGraphqlWs}, which wraps a transport's graphql-ws
 * options with them:
 *
 * - {@link authorizeConnection} on `connection_init`: the caller from the
 *   upgrade request (session cookie, `Authorization`) or from
 *   `connectionParams.authorization`; none closes the socket with 4401, and
 *   an address over its failed-auth budget gets 4429 (failed-auth.ts). A
 *   connection opened with a session cookie is closed with 4401 when that
 *   session signs out (sessions.ts); one of a stored token or share link when
 *   that is revoked or expires (access/live.ts).
 * - {@link admitSubscription} on `subscribe`: at most
 *   `maxSubscriptionsPerConnection` operations at once (`TOO_MANY_SUBSCRIPTIONS`).
 * - `connection_init` must come within `authTimeoutMs` (graphql-ws closes with
 *   4408 otherwise); a connection that authenticates there moves from its
 *   address's unauthenticated slots to an authenticated one (connections.ts),
 *   or is closed with 1013 (try again later) when the address has none left.
 * @module
 */
import type { GraphQLError } from 'graphql';
import type { LiveAccess } from '../access/live.ts';
import type { ServerOptions } from 'graphql-ws';
import { type Authenticator, type AuthResult, openPrincipal, type Principal, UNAUTHENTICATED_MESSAGE } from './auth.ts';
import type { WebSocketSlot } from './connections.ts';
import { CLOSE_RATE_LIMITED, RATE_LIMITED_MESSAGE } from './failed-auth.ts';
import { type Limits, tooManySubscriptions } from './limits.ts';
import { setConnectionPrincipal } from './plugins.ts';

/** Close code for a connection without valid credentials (graphql-ws' Unauthorized). */
export const CLOSE_UNAUTHENTICATED = 4401;
/** Close code for an authenticated connection its address has no slot left for (WebSocket's Try Again Later). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** What the adapter knows of a connection's upgrade request. */
export interface UpgradeInfo {
  /** The caller established from the upgrade's headers (cookie, Authorization), if any. */
  readonly principal: Principal | undefined;
  /** The client's address. */
  readonly address: string;
  /** The connection's place in its address's budget (connections.ts), when the adapter counts them. */
  readonly slot?: WebSocketSlot | undefined;
}

export interface WsGuardHooks<E> {
  /** The upgrade info of a connection, from its `extra`. */
  upgrade(extra: E): UpgradeInfo;
  /** Closes the connection's socket with `code` and `reason`. */
  close(extra: E, code: number, reason: string): void;
}

/** The caller of a new graphql-ws connection, or why not. */
export function authorizeConnection(
  auth: Authenticator,
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  upgrade: UpgradeInfo,
): AuthResult {
  if (!auth.enabled) return { kind: 'ok', principal: upgrade.principal ?? openPrincipal(upgrade.address) };
  // An address over its failed-auth budget is refused, even with the right token (failed-auth.ts).
  const retryAfterS = auth.failures.retryAfterS(upgrade.address);
  if (retryAfterS > 0) return { kind: 'limited', retryAfterS };
  const fromParams = connectionParams?.['authorization'] !== undefined || connectionParams?.['Authorization'] !== undefined;
  // Explicit credentials win; a wrong one is refused even if a cookie came along.
  if (fromParams) return auth.connect(connectionParams, upgrade.address);
  const { principal } = upgrade;
  // A session signed out since the upgrade no longer counts.
  if (principal?.session && !auth.sessions.isActive(principal.session)) return { kind: 'anonymous' };
  return principal ? { kind: 'ok', principal } : { kind: 'anonymous' };
}

/** Whether a connection running `running` operations may start one more; the error to send when not. */
export function admitSubscription(running: number, limit: number): readonly GraphQLError[] | undefined {
  return running >= limit ? [tooManySubscriptions(limit)] : undefined;
}

export function guardGraphqlWs<P extends Record<string, unknown> | undefined, E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, E>,
  auth: Authenticator,
  limits: Pick<Limits, 'maxSubscriptionsPerConnection' | 'authTimeoutMs'>,
  hooks: WsGuardHooks<E>,
  live?: LiveAccess | undefined,
): ServerOptions<P, E> {
  const maxSubscriptionsPerConnection = limits.maxSubscriptionsPerConnection;
  // Unregisters each session-authenticated connection from its session's sign-out.
  const unwatch = new WeakMap<object, () => void>();
  return {
    ...options,
    connectionInitWaitTimeout: limits.authTimeoutMs,
    onConnect: async (ctx) => {
      const upgrade = hooks.upgrade(ctx.extra);
      const result = authorizeConnection(auth, ctx.connectionParams as Record<string, unknown> | undefined, upgrade);
      if (result.kind === 'limited') {
        hooks.close(ctx.extra, CLOSE_RATE_LIMITED, RATE_LIMITED_MESSAGE.slice(0, 120));
        return false;
      }
      if (result.kind !== 'ok') {
        hooks.close(ctx.extra, CLOSE_UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE.slice(0, 120));
        return false;
      }
      const { principal } = result;
      if (upgrade.slot && !upgrade.slot.authenticate()) {
        hooks.close(ctx.extra, CLOSE_TRY_AGAIN_LATER, 'Too many connections from this address: try again later');
        return false;
      }
      setConnectionPrincipal(ctx.extra, principal);
      const unwatchSession = principal.session
        ? auth.sessions.onRevoke(principal.session, () => hooks.close(ctx.extra, CLOSE_UNAUTHENTICATED, 'Signed out'))
        : undefined;
      // A stored token or share link revoked or expired: closed with 4401 too (access/live.ts).
      const unwatchGrant = live?.hold(principal, (reason) => hooks.close(ctx.extra, CLOSE_UNAUTHENTICATED, reason === 'expired' ? 'Access expired' : 'Access revoked'));
      unwatch.set(ctx.extra, () => {
        unwatchSession?.();
        unwatchGrant?.();
      });
      return (await options.onConnect?.(ctx)) ?? true;
    },
    onClose: async (ctx, code, reason) => {
      unwatch.get(ctx.extra)?.();
      unwatch.delete(ctx.extra);
      await options.onClose?.(ctx, code, reason);
    },
    onSubscribe: async (ctx, id, payload) => {
      // This operation is already counted in ctx.subscriptions.
      const refused = admitSubscription(Object.keys(ctx.subscriptions).length - 1, maxSubscriptionsPerConnection);
      if (refused) return refused;
      return options.onSubscribe?.(ctx, id, payload);
    },
  };
}
