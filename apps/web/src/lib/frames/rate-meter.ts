/**
 * Arrivals over a sliding window, for the overlay's figures: how many per
 * second (fps) and how many bytes per second (kbit/s), from one record of
 * each arrival.
 * @module
 */

export class RateMeter {
  readonly #windowMs: number;
  /** Arrival times (ms) and sizes (bytes), oldest first. */
  readonly #events: { at: number; bytes: number }[] = [];
  /** The bytes of the events in the window. */
  #total = 0;
  /** The first arrival since the last reset. */
  #since: number | null = null;

  constructor(windowMs = 2_000) {
    this.#windowMs = windowMs;
  }

  /** Records one arrival of `bytes` at `now` (ms). */
  add(now: number, bytes = 0): void {
    this.#since ??= now;
    this.#events.push({ at: now, bytes });
    this.#total += bytes;
    this.#trim(now);
  }

  /** Arrivals per second over the window ending at `now`. */
  rate(now: number): number {
    this.#trim(now);
    const events = this.#events;
    if (events.length < 2) return 0;
    // Intervals between the arrivals, over the time from the first one to now:
    // regular arrivals give their rate, and the figure decays when they stop.
    const span = Math.max(now - (events[0]?.at ?? now), 1);
    return ((events.length - 1) * 1000) / span;
  }

  /** Bytes per second over the window ending at `now` (or since the first arrival, when that is shorter). */
  bytesPerSecond(now: number): number {
    this.#trim(now);
    if (this.#since === null) return 0;
    const span = Math.min(now - this.#since, this.#windowMs);
    return span > 0 ? (this.#total * 1000) / span : 0;
  }

  /** Kilobits per second over the window ending at `now`. */
  kbitPerSecond(now: number): number {
    return (this.bytesPerSecond(now) * 8) / 1000;
  }

  reset(): void {
    this.#events.length = 0;
    this.#total = 0;
    this.#since = null;
  }

  #trim(now: number): void {
    const events = this.#events;
    let drop = 0;
    while (drop < events.length && (events[drop]?.at ?? now) <= now - this.#windowMs) {
      this.#total -= events[drop]?.bytes ?? 0;
      drop++;
    }
    if (drop) events.splice(0, drop);
  }
}
