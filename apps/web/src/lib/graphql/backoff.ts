/**
 * Exponential backoff with jitter, for reconnecting to the server and
 * re-subscribing: quick first retries, capped so a restarted server is found
 * again within a few seconds.
 * @module
 */

export interface BackoffOptions {
  /** Delay of the first retry, in ms. */
  readonly baseMs: number;
  /** The longest delay, in ms. */
  readonly maxMs: number;
  /** Share of the delay that is random, 0 to 1: spreads clients that lost the server at once. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 5_000, jitter: 0.3 };

/** The delay before retry number `attempt` (0 for the first retry), in ms. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt, 30));
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(ceiling * (1 - jitter + jitter * random()));
}
