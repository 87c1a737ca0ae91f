/**
 * Bad Redis messages: each is counted (shown in `/healthz` as
 * `bus.badMessages`) and dropped; a warning is logged at most once per
 * minute per kind, saying how many more came since. Nothing is thrown, and
 * no timer is kept (the time of the last warning is enough).
 * @module
 */
import type { Logger } from '../logger.ts';

/** What a message was meant to be, from the channel it came on. `internal`: a good message whose handling failed. */
export type BusMessageKind = 'state' | 'frame' | 'video' | 'reply' | 'demand' | 'command' | 'internal';

export interface BadMessageStats {
  readonly total: number;
  readonly byKind: Readonly<Partial<Record<BusMessageKind, number>>>;
}

export class BadMessages {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #byKind = new Map<BusMessageKind, number>();
  readonly #lastLog = new Map<BusMessageKind, { at: number; since: number }>();
  #total = 0;

  /** `intervalMs`: the least time between two warnings of one kind (default a minute). */
  constructor(logger: Logger, intervalMs = 60_000) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  /** Counts a bad message of `kind`, and logs it unless one of its kind was logged within the interval. */
  count(kind: BusMessageKind, reason: string): void {
    this.#total++;
    this.#byKind.set(kind, (this.#byKind.get(kind) ?? 0) + 1);
    const now = Date.now();
    const last = this.#lastLog.get(kind);
    if (last && now - last.at < this.#intervalMs) {
      last.since++;
      return;
    }
    this.#lastLog.set(kind, { at: now, since: 0 });
    const more = last && last.since > 0 ? ` (and ${last.since} more since the last report)` : '';
    const text = kind === 'internal' ? `a bus message could not be handled: ${reason}` : `a bad ${kind} message from Redis was dropped: ${reason}`;
    this.#logger.warn({ kind, reason, badMessages: this.#byKind.get(kind) }, `${text}${more}`);
  }

  stats(): BadMessageStats {
    return { total: this.#total, byKind: Object.fromEntries(this.#byKind) };
  }
}
