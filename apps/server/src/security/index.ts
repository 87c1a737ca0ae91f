/**
 * The security layer of the server, in one object the app and the adapter
 * consult: who is calling ({@link Authenticator}), for which Host (host.ts),
 * from which site (origin.ts), from which address (proxies.ts), how much they
 * may ask (limits.ts, connections.ts), and the headers of the pages
 * (headers.ts). docs/security.md gives the threat model.
 * @module
 */
import type { AccessStore } from '../access/store.ts';
import { Authenticator, type AuthTokens, type Principal } from './auth.ts';
import { rawRefusal, TcpConnections, type WebSocketSlot, WebSocketSlots } from './connections.ts';
import { HostAllowlist } from './host.ts';
import { type Limits, resolveLimits } from './limits.ts';
import { isAllowedOrigin } from './origin.ts';
import { TrustedProxies } from './proxies.ts';
import { SessionRoute } from './session-route.ts';

export interface SecurityOptions {
  readonly auth?: AuthTokens | undefined;
  readonly limits?: Partial<Limits> | undefined;
  readonly allowedOrigins?: readonly string[] | undefined;
  /** Host names and addresses served besides loopback and the bound address (host.ts). */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Addresses and CIDR blocks of reverse proxies whose X-Forwarded-For is believed (proxies.ts). */
  readonly trustedProxies?: readonly string[] | undefined;
  /** Stored access tokens and share links (access/store.ts). */
  readonly access?: AccessStore | undefined;
}

/** What the upgrade check found out about an admitted WebSocket. */
export interface AdmittedUpgrade {
  readonly principal: Principal | undefined;
  /** The client's address (X-Forwarded-For when the peer is a trusted proxy). */
  readonly address: string;
  readonly slot: WebSocketSlot;
  /** Frees the connection's slot: call it when the socket closes. */
  readonly release: () => void;
}

export type UpgradeAdmission =
  | { readonly ok: true; readonly upgrade: AdmittedUpgrade }
  | { readonly ok: false; readonly status: 403 | 421 | 429; readonly reason: string; readonly address: string; /** The raw HTTP answer. */ readonly raw: string };

export class Security {
  readonly auth: Authenticator;
  readonly limits: Limits;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly hosts: HostAllowlist;
  readonly proxies: TrustedProxies;
  /** TCP connections per socket peer (the adapter counts them). */
  readonly connections: TcpConnections;
  /** WebSockets per client address, authenticated and unauthenticated apart. */
  readonly webSockets: WebSocketSlots;
  readonly session: SessionRoute;

  constructor(options: SecurityOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.auth = new Authenticator(options.auth, { failedAuthPerMinute: this.limits.failedAuthPerMinute, access: options.access });
    this.allowedOrigins = new Set(options.allowedOrigins ?? []);
    this.hosts = new HostAllowlist(options.allowedHosts);
    this.proxies = new TrustedProxies(options.trustedProxies);
    this.connections = new TcpConnections(2 * this.limits.maxConnectionsPerAddress, this.proxies);
    this.webSockets = new WebSocketSlots(this.limits.maxConnectionsPerAddress, this.limits.maxUnauthenticatedConnectionsPerAddress);
    this.session = new SessionRoute(this.auth);
  }

  /** Whether a request for this Host (its header) is served: the one decision against DNS rebinding, for HTTP and WebSocket. */
  allowsHost(host: string | null | undefined): boolean {
    return this.hosts.allows(host);
  }

  allowsOrigin(origin: string | null | undefined, host: string | null | undefined): boolean {
    return isAllowedOrigin(origin, host, this.allowedOrigins);
  }

  /** The client of a request from socket peer `peer`: X-Forwarded-For's, when the peer is a trusted proxy. */
  clientAddress(peer: string, forwardedFor: string | null | undefined): string {
    return this.proxies.clientAddress(peer, forwardedFor);
  }

  /**
   * The checks of a WebSocket upgrade on `/graphql`, in order: the Host (421),
   * the Origin (403), then a slot in the client address's budget (429):
   * authenticated when the upgrade carries credentials, else unauthenticated.
   */
  admitUpgrade(headers: Headers, peer: string): UpgradeAdmission {
    const address = this.clientAddress(peer, headers.get('x-forwarded-for'));
    const refuse = (status: 403 | 421 | 429, reason: string, code: string): UpgradeAdmission => ({ ok: false, status, reason, address, raw: rawRefusal(status, reason, code) });
    const host = headers.get('host');
    if (!this.allowsHost(host)) {
      return refuse(421, 'Misdirected request: this server does not answer to that Host name (see allowedHosts / --allow-host)', 'FORBIDDEN_HOST');
    }
    if (!this.allowsOrigin(headers.get('origin'), host)) {
      return refuse(403, 'WebSocket refused: a page of another site (see allowedOrigins / --allow-origin)', 'FORBIDDEN_ORIGIN');
    }
    const principal = this.auth.fromHeaders(headers, address);
    const slot = this.webSockets.admit(address, principal !== undefined);
    if (!slot) {
      return principal
        ? refuse(429, `Too many WebSockets from this address (at most ${this.limits.maxConnectionsPerAddress}; see limits.maxConnectionsPerAddress)`, 'TOO_MANY_CONNECTIONS')
        : refuse(429, `Too many WebSockets without credentials from this address (at most ${this.limits.maxUnauthenticatedConnectionsPerAddress}): authenticate, or wait`, 'TOO_MANY_CONNECTIONS');
    }
    return { ok: true, upgrade: { principal, address, slot, release: () => slot.release() } };
  }
}

export { type AuthTokens, type Principal, type Role, TOKEN_ENV, MIN_TOKEN_BITS, MIN_TOKEN_LENGTH, SAME_TOKEN_MESSAGE, tokenBits, tokenProblem } from './auth.ts';
export { DEFAULT_LIMITS, LIMIT_KEYS, LIMIT_MAX, LIMIT_MIN, type Limits } from './limits.ts';
export { checkExposure, ExposureError, isLoopbackHost } from './exposure.ts';
export { parseAllowedHost } from './host.ts';
export { parseProxyEntry } from './proxies.ts';
