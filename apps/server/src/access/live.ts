/**
 * Live streams held by revocable or expiring credentials, so that a revoked
 * or expired token or share link loses them at once: graphql-ws connections,
 * SSE responses, MJPEG and video streams ({@link LiveAccess.hold},
 * {@link LiveAccess.guardResponse}).
 *
 * - **Revoked here** (GraphQL `revokeAccessToken`, `revokeShareLink`): the
 *   store's change closes the holders of that credential synchronously.
 * - **Revoked elsewhere** (`servercam token revoke` on the same database,
 *   another server on it): SQLite's `data_version` is polled every
 *   {@link POLL_MS} while a stream is held (never for an in-memory
 *   database, which no other process reaches); when another connection has
 *   committed, every held credential is checked again.
 * - **Expired**: each holder has a timer at its credential's expiry (or its
 *   session's, whichever is first).
 *
 * Configured role tokens never change while the process runs, so their
 * holders are not tracked (sign-out of their sessions: security/sessions.ts).
 * @module
 */
import { type Grant, grantKey } from './principal.ts';
import type { AccessStore } from './store.ts';

/** How often another process's revocations are looked for (ms): well inside the promised second. */
export const POLL_MS = 250;
/** setTimeout's longest delay; a later expiry re-arms. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export type EndReason = 'revoked' | 'expired';

interface Holder {
  readonly grant: Grant;
  readonly expiresAt: number | undefined;
  readonly close: (reason: EndReason) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The part of a caller the registry needs (security/auth.ts's Principal). */
export interface HeldPrincipal {
  readonly grant: Grant;
  readonly session?: { readonly expires: number } | undefined;
}

export class LiveAccess {
  readonly #stillValid: (grant: Grant) => boolean;
  /** The database other processes may change (a file), polled while streams are held. */
  readonly #shared: AccessStore | undefined;
  readonly #held = new Map<string, Set<Holder>>();
  #poll: ReturnType<typeof setInterval> | undefined;
  #version: number | undefined;
  #offChange: (() => void) | undefined;

  /** `stillValid` asks whether a credential still counts (security/auth.ts's `stillValid`). */
  constructor(stillValid: (grant: Grant) => boolean, store: AccessStore | undefined) {
    this.#stillValid = stillValid;
    if (!store) return;
    this.#shared = store.database.path === ':memory:' ? undefined : store;
    this.#offChange = store.onChange((change) => {
      if (change.change === 'revoked') this.#recheck(grantKey({ kind: change.kind, id: change.kind === 'token' ? change.token.id : change.link.id }));
    });
  }

  /** Whether streams of this caller are tracked: a stored token or a share link, or anything that expires. */
  static revocable(principal: HeldPrincipal): boolean {
    return principal.grant.kind === 'token' || principal.grant.kind === 'link' || principal.grant.expiresAt !== undefined;
  }

  /**
   * Calls `close` (once) when the caller's credential is revoked or expires.
   * Returns the release, for when the stream ends by itself.
   */
  hold(principal: HeldPrincipal, close: (reason: EndReason) => void): () => void {
    if (!LiveAccess.revocable(principal)) return () => {};
    const { grant } = principal;
    const sessionEnd = principal.session ? principal.session.expires * 1000 : undefined;
    const expiresAt = grant.expiresAt === undefined ? sessionEnd : Math.min(grant.expiresAt, sessionEnd ?? Infinity);
    const key = grantKey(grant);
    let ended = false;
    const holder: Holder = {
      grant,
      expiresAt,
      close: (reason) => {
        if (ended) return;
        release();
        close(reason);
      },
      timer: undefined,
    };
    const release = (): void => {
      ended = true;
      clearTimeout(holder.timer);
      const set = this.#held.get(key);
      set?.delete(holder);
      if (set?.size === 0) this.#held.delete(key);
      if (this.#held.size === 0) this.#stopPolling();
    };
    let set = this.#held.get(key);
    if (!set) this.#held.set(key, (set = new Set()));
    set.add(holder);
    this.#arm(holder);
    // Before the check below: a commit after it is seen by the poll, one before it by the check.
    this.#startPolling();
    // Revoked between the check of the request and now: end at once.
    if (!this.#stillValid(grant)) queueMicrotask(() => holder.close('revoked'));
    return release;
  }

  /**
   * The response with its body ended when the caller's credential is revoked
   * or expires (SSE, MJPEG, video, any body). Backpressure is kept: the body
   * is read only as fast as it is written out. Others are returned as they are.
   */
  guardResponse(principal: HeldPrincipal | undefined, response: Response): Response {
    const source = response.body;
    if (!principal || !source || !LiveAccess.revocable(principal)) return response;
    const reader = source.getReader();
    let done = false;
    let release = (): void => {};
    const finish = (): void => {
      done = true;
      release();
    };
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          release = this.hold(principal, () => {
            if (done) return;
            done = true;
            try {
              controller.close();
            } catch {
              // Already closed.
            }
            reader.cancel().catch(() => {});
          });
        },
        pull: async (controller) => {
          try {
            const chunk = await reader.read();
            if (done) return;
            if (chunk.done) {
              finish();
              controller.close();
            } else {
              controller.enqueue(chunk.value);
            }
          } catch (error) {
            if (done) return;
            finish();
            controller.error(error);
          }
        },
        cancel: (reason) => {
          finish();
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /**
   * {@link guardResponse} for a `/graphql` answer: only one that goes on
   * (SSE, `text/event-stream`, or Yoga's `multipart/mixed` subscriptions)
   * holds anything; a single result is answered as it is.
   */
  guardGraphqlResponse(principal: HeldPrincipal | undefined, response: Response): Response {
    const type = response.headers.get('content-type') ?? '';
    return type.startsWith('text/event-stream') || type.startsWith('multipart/') ? this.guardResponse(principal, response) : response;
  }

  /** Streams held now (for tests and stats). */
  get size(): number {
    let count = 0;
    for (const set of this.#held.values()) count += set.size;
    return count;
  }

  /** Stops watching (the streams themselves end with the server). */
  close(): void {
    this.#stopPolling();
    this.#offChange?.();
    for (const set of this.#held.values()) for (const holder of set) clearTimeout(holder.timer);
    this.#held.clear();
  }

  #arm(holder: Holder): void {
    if (holder.expiresAt === undefined) return;
    const delay = holder.expiresAt - Date.now();
    if (delay <= 0) {
      queueMicrotask(() => holder.close('expired'));
      return;
    }
    holder.timer = setTimeout(() => {
      if (holder.expiresAt! <= Date.now()) holder.close('expired');
      else this.#arm(holder);
    }, Math.min(delay, MAX_DELAY_MS));
    holder.timer.unref?.();
  }

  #startPolling(): void {
    if (!this.#shared || this.#poll !== undefined) return;
    try {
      this.#version = this.#shared.database.dataVersion();
    } catch {
      return; // The database is closing with the server.
    }
    this.#poll = setInterval(() => this.#tick(), POLL_MS);
    this.#poll.unref?.();
  }

  #stopPolling(): void {
    clearInterval(this.#poll);
    this.#poll = undefined;
  }

  #tick(): void {
    try {
      const version = this.#shared!.database.dataVersion();
      if (version === this.#version) return;
      this.#version = version;
      for (const key of [...this.#held.keys()]) this.#recheck(key);
    } catch {
      // The database is closing with the server; the next tick (if any) tries again.
    }
  }

  #recheck(key: string): void {
    const set = this.#held.get(key);
    if (!set) return;
    const first = set.values().next().value;
    if (!first || this.#stillValid(first.grant)) return;
    for (const holder of [...set]) holder.close('revoked');
  }
}
