/**
 * The time each JPEG encode takes, as a histogram kept on the capture side:
 * cumulative counts per upper bound (ms), their sum and count. Cheap to keep
 * (one comparison loop per encode) and read whole with the camera's stats,
 * so a metrics scrape needs nothing on the frame path.
 * @module
 */

/** Upper bounds (ms) of the encode-time buckets; the last bucket (+Inf) is `count`. */
export const ENCODE_MS_BUCKETS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/** A camera's encode times since start: `buckets[i]` encodes took at most `ENCODE_MS_BUCKETS[i]` ms. */
export interface EncodeTiming {
  readonly buckets: readonly number[];
  readonly sumMs: number;
  readonly count: number;
}

export class EncodeTimes {
  readonly #buckets = ENCODE_MS_BUCKETS.map(() => 0);
  #sumMs = 0;
  #count = 0;

  observe(ms: number): void {
    this.#sumMs += ms;
    this.#count++;
    for (let i = 0; i < ENCODE_MS_BUCKETS.length; i++) if (ms <= ENCODE_MS_BUCKETS[i]!) this.#buckets[i]!++;
  }

  snapshot(): EncodeTiming {
    return { buckets: [...this.#buckets], sumMs: this.#sumMs, count: this.#count };
  }
}
