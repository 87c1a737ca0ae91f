/**
 * Which UI sessions have ended before their cookie's expiry: signed out, or
 * issued before this process started.
 *
 * - **Sign-out revokes** the session's id: its cookie is refused from then on
 *   (a copy kept by someone else included), and the graphql-ws connections
 *   opened with it are closed (4401). The id is kept until the cookie would
 *   have expired anyway (at most 7 days), then forgotten.
 * - **A restart signs everyone out.** Revocations live in memory, so a cookie
 *   issued before this process started is refused (else a revoked cookie
 *   would come back to life with a restart). Behind several gateways, each
 *   gateway refuses the cookies older than itself, and the gateways tell each
 *   other their sign-outs through Redis (bus/redis-sessions.ts, {@link share}
 *   and {@link adopt}), so revocations never need to outlive a process.
 * - Bounded: past {@link MAX_REVOKED} live revocations, every session issued
 *   so far ends at once instead (the list is cleared): a flood of sign-ins and
 *   sign-outs (which needs a valid token) cannot grow memory.
 * @module
 */
import { type Session, SESSION_MAX_AGE_S } from './session-cookie.ts';

export const MAX_REVOKED = 100_000;

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

export class SessionRevocations {
  /** Session id → its expiry (seconds since the epoch). */
  readonly #revoked = new Map<string, number>();
  /** Sessions issued before this (seconds since the epoch) are refused. */
  #epoch: number;
  /** Closes the live connections of a session, by id. */
  readonly #live = new Map<string, Set<() => void>>();
  /** Tells the other servers (gateways) of a sign-out here. */
  #shared: ((id: string, expires: number) => void) | undefined;

  constructor(now = Date.now()) {
    this.#epoch = Math.floor(now / 1000);
  }

  /** Whether `session` still counts: issued by this process's lifetime and not signed out. */
  isActive(session: Session): boolean {
    return session.issued >= this.#epoch && !this.#revoked.has(session.id);
  }

  /** Ends `session` now: its cookie is refused and its live connections are closed. */
  revoke(session: Session, now = Date.now()): void {
    if (!this.isActive(session)) return;
    this.#revoke(session.id, session.expires, now);
    this.#shared?.(session.id, session.expires);
  }

  /**
   * A sign-out done elsewhere (another gateway): the same as {@link revoke},
   * not shared again. Checked, as it comes from outside: a malformed id, or an
   * expiry in the past or further than a cookie's lifetime, is ignored
   * (returns false).
   */
  adopt(id: unknown, expires: unknown, now = Date.now()): boolean {
    const nowS = now / 1000;
    if (typeof id !== 'string' || !SESSION_ID.test(id) || typeof expires !== 'number' || !Number.isInteger(expires)) return false;
    if (expires <= nowS || expires > nowS + SESSION_MAX_AGE_S + 3600) return false;
    if (!this.#revoked.has(id)) this.#revoke(id, expires, now);
    return true;
  }

  /** Calls `send` with each sign-out done here (id and expiry, never the cookie); one sender at a time. */
  share(send: ((id: string, expires: number) => void) | undefined): void {
    this.#shared = send;
  }

  #revoke(id: string, expires: number, now: number): void {
    this.#prune(now);
    if (this.#revoked.size >= MAX_REVOKED) {
      // Fail safe: end every session issued so far rather than forget a revocation.
      this.#revoked.clear();
      this.#epoch = Math.floor(now / 1000) + 1;
      for (const live of [...this.#live.keys()]) this.#closeLive(live);
      return;
    }
    this.#revoked.set(id, expires);
    this.#closeLive(id);
  }

  /**
   * Calls `close` when `session` is revoked (a graphql-ws connection opened
   * with its cookie). Returns the unregister, for when the connection ends.
   */
  onRevoke(session: Session, close: () => void): () => void {
    let closers = this.#live.get(session.id);
    if (!closers) this.#live.set(session.id, (closers = new Set()));
    closers.add(close);
    return () => {
      const set = this.#live.get(session.id);
      set?.delete(close);
      if (set?.size === 0) this.#live.delete(session.id);
    };
  }

  /** Revoked sessions remembered now (for tests and stats). */
  get size(): number {
    return this.#revoked.size;
  }

  #closeLive(id: string): void {
    const closers = this.#live.get(id);
    this.#live.delete(id);
    for (const close of closers ?? []) close();
  }

  /**
   * Forgets the oldest revocations whose cookies have expired. Cookies all
   * last the same time, so revocations come roughly in order of expiry: this
   * stops at the first one still running (amortized constant time; one out of
   * order waits a little longer, at most a cookie's lifetime).
   */
  #prune(now: number): void {
    const nowS = now / 1000;
    for (const [id, expires] of this.#revoked) {
      if (expires > nowS) break;
      this.#revoked.delete(id);
    }
  }
}
