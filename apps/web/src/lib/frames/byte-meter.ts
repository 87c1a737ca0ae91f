/**
 * Bytes per second over a sliding window, for the overlay's kbit/s figure.
 * @module
 */

export class ByteRateMeter {
  readonly #windowMs: number;
  /** Arrival times (ms) and sizes (bytes), oldest first. */
  readonly #events: { at: number; bytes: number }[] = [];
  #total = 0;
  #since: number | null = null;

  constructor(windowMs = 2_000) {
    this.#windowMs = windowMs;
  }

  /** Records `bytes` received at `now` (ms). */
  add(now: number, bytes: number): void {
    this.#since ??= now;
    this.#events.push({ at: now, bytes });
    this.#total += bytes;
    this.#trim(now);
  }

  /** Bytes per second over the window ending at `now` (or since the first bytes, when that is shorter). */
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
