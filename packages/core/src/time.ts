/**
 * Small timing helpers shared by the worker and the main thread.
 * @module
 */

/** Milliseconds since the Unix epoch, with sub-millisecond precision. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The wait before retry number `attempt` (0 for the first): `minMs`, doubling
 * with each attempt, at most `maxMs` (reconnects, restarts, encoder respawns).
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number): number {
  // The exponent is capped only so that it never overflows to Infinity.
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 20));
}

/** Frames per second over a sliding window of the most recent frame times. */
export class RateMeter {
  readonly #times: number[] = [];
  readonly #windowMs: number;

  constructor(windowMs = 2000) {
    this.#windowMs = windowMs;
  }

  tick(at: number): void {
    this.#times.push(at);
    const oldest = at - this.#windowMs;
    while (this.#times.length > 2 && this.#times[0]! < oldest) this.#times.shift();
  }

  /** The rate over the window, 0 with fewer than two frames. */
  rate(): number {
    const n = this.#times.length;
    if (n < 2) return 0;
    const span = this.#times[n - 1]! - this.#times[0]!;
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  reset(): void {
    this.#times.length = 0;
  }
}
