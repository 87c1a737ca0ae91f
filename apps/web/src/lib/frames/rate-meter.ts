/**
 * Events per second over a sliding window, for the overlay's fps figures.
 * @module
 */

export class RateMeter {
  readonly #windowMs: number;
  readonly #times: number[] = [];

  constructor(windowMs = 2_000) {
    this.#windowMs = windowMs;
  }

  /** Records one event at `now` (ms). */
  tick(now: number): void {
    this.#times.push(now);
    this.#trim(now);
  }

  /** Events per second over the window ending at `now`. */
  rate(now: number): number {
    this.#trim(now);
    const times = this.#times;
    if (times.length < 2) return 0;
    // Intervals between the events, over the time from the first event to now:
    // regular events give their rate, and the figure decays when they stop.
    const span = Math.max(now - (times[0] ?? now), 1);
    return ((times.length - 1) * 1000) / span;
  }

  reset(): void {
    this.#times.length = 0;
  }

  #trim(now: number): void {
    const times = this.#times;
    let drop = 0;
    while (drop < times.length && (times[drop] ?? now) <= now - this.#windowMs) drop++;
    if (drop) times.splice(0, drop);
  }
}
