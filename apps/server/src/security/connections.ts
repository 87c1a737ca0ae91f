/**
 * Connections per client, in two layers:
 *
 * - **TCP** ({@link TcpConnections}), counted by the adapter as each socket
 *   opens, before a byte is read: a hard cap per socket peer of twice
 *   `maxConnectionsPerAddress`, so plain HTTP, streams and WebSockets together
 *   cannot take every socket. A trusted proxy is exempt: it carries many clients.
 * - **WebSocket** ({@link WebSocketSlots}), counted at the upgrade by the
 *   client's address (X-Forwarded-For from a trusted proxy): an upgrade that
 *   carries credentials (the session cookie, `Authorization`; any upgrade when
 *   auth is off) takes one of the address's `maxConnectionsPerAddress`
 *   authenticated slots. One without takes one of its few
 *   `maxUnauthenticatedConnectionsPerAddress` slots instead, must authenticate
 *   in `connection_init` within `authTimeoutMs` (else graphql-ws closes it with
 *   4408), and only then moves to an authenticated slot. Bare upgrades with
 *   no token therefore never hold an authenticated slot, and cost little.
 * @module
 */
import { ConnectionCounter } from './limits.ts';
import type { TrustedProxies } from './proxies.ts';

/** TCP connections per socket peer; trusted proxies are not counted. */
export class TcpConnections {
  readonly limit: number;
  readonly #counter: ConnectionCounter;
  readonly #proxies: TrustedProxies;

  constructor(limit: number, proxies: TrustedProxies) {
    this.limit = limit;
    this.#counter = new ConnectionCounter(limit);
    this.#proxies = proxies;
  }

  /** Counts a new socket of `peer`; false past the limit (refuse it). */
  tryOpen(peer: string): boolean {
    return this.#proxies.trusts(peer) || this.#counter.tryOpen(peer);
  }

  close(peer: string): void {
    if (!this.#proxies.trusts(peer)) this.#counter.close(peer);
  }

  get total(): number {
    return this.#counter.total;
  }
}

/** A WebSocket's place in its address's budget, from the upgrade until the socket closes. */
export interface WebSocketSlot {
  readonly authenticated: boolean;
  /** Moves an unauthenticated connection to an authenticated slot; false when the address has none left. */
  authenticate(): boolean;
  /** Frees the slot (idempotent): call it when the socket closes. */
  release(): void;
}

/** WebSocket connections per client address, authenticated and unauthenticated apart. */
export class WebSocketSlots {
  readonly maxAuthenticated: number;
  readonly maxUnauthenticated: number;
  readonly #authenticated: ConnectionCounter;
  readonly #unauthenticated: ConnectionCounter;

  constructor(maxAuthenticated: number, maxUnauthenticated: number) {
    this.maxAuthenticated = maxAuthenticated;
    this.maxUnauthenticated = maxUnauthenticated;
    this.#authenticated = new ConnectionCounter(maxAuthenticated);
    this.#unauthenticated = new ConnectionCounter(maxUnauthenticated);
  }

  /** A slot for a new connection of `address`; undefined when its budget of that kind is spent (refuse it: 429). */
  admit(address: string, authenticated: boolean): WebSocketSlot | undefined {
    const counter = authenticated ? this.#authenticated : this.#unauthenticated;
    if (!counter.tryOpen(address)) return undefined;
    let state: 'authenticated' | 'unauthenticated' | 'released' = authenticated ? 'authenticated' : 'unauthenticated';
    const authenticatedCounter = this.#authenticated;
    const unauthenticatedCounter = this.#unauthenticated;
    return {
      get authenticated() {
        return state === 'authenticated';
      },
      authenticate() {
        if (state !== 'unauthenticated') return state === 'authenticated';
        if (!authenticatedCounter.tryOpen(address)) return false;
        unauthenticatedCounter.close(address);
        state = 'authenticated';
        return true;
      },
      release() {
        if (state === 'authenticated') authenticatedCounter.close(address);
        else if (state === 'unauthenticated') unauthenticatedCounter.close(address);
        state = 'released';
      },
    };
  }

  /** Open connections over every address, by kind. */
  totals(): { readonly authenticated: number; readonly unauthenticated: number } {
    return { authenticated: this.#authenticated.total, unauthenticated: this.#unauthenticated.total };
  }
}

/** A raw HTTP refusal of an upgrade (the socket is not a WebSocket yet). */
export function rawRefusal(status: 403 | 421 | 429, reason: string, code: string): string {
  const text = { 403: 'Forbidden', 421: 'Misdirected Request', 429: 'Too Many Requests' }[status];
  const body = JSON.stringify({ error: reason, code });
  const retry = status === 429 ? 'Retry-After: 5\r\n' : '';
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n${retry}Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
