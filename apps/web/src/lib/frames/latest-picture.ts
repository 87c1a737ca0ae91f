/**
 * The newest decoded picture, waiting to be drawn (at the next animation
 * frame on a page, see `requestFrame`): a newer
 * one replaces (and closes) one never painted, so painting never falls behind
 * the stream. Shared by the JPEG painter (ImageBitmap) and the H.264 player
 * (VideoFrame): both hold pictures that must be closed, take the painting
 * options below, and count what it paints and drops.
 * @module
 */

/** A decoded picture that holds memory until closed (ImageBitmap, VideoFrame). */
export interface Closable {
  close(): void;
}

/** What was painted, when, and how long after its capture. */
export interface Painted<I> {
  readonly frame: I;
  readonly paintedAt: number;
  /** Paint time minus `capturedAt`; NaN when that is not a date. */
  readonly latencyMs: number;
  /**
   * When the rendering update that drew it was over (epoch ms), when the
   * painter knows it: the H.264 player's worker stamps it before reporting
   * the paint (see paint-probe.ts).
   */
  readonly renderedAt?: number | undefined;
}

/** How pictures are painted: the options of the JPEG painter and the H.264 player alike. */
export interface PaintOptions<P extends Closable, I> {
  /** Where a picture is drawn (a `<canvas>`). */
  readonly surface: { draw(picture: P): void };
  /** Schedules drawing before the next repaint (`requestAnimationFrame` in a browser). */
  readonly requestFrame: (callback: () => void) => unknown;
  /** Wall-clock now (epoch ms), for latency; `Date.now` by default. */
  readonly now?: (() => number) | undefined;
  /** Each picture as it is drawn. */
  readonly onPaint?: ((painted: Painted<I>) => void) | undefined;
}

/** The counts a LatestPicture keeps: pictures painted, and pictures a newer one replaced before their paint. */
export interface PaintCounts {
  painted: number;
  dropped: number;
}

export class LatestPicture<P extends Closable, I extends { readonly capturedAt: string }> {
  readonly #options: PaintOptions<P, I>;
  readonly #counts: PaintCounts;
  readonly #now: () => number;
  #ready: { picture: P; info: I } | null = null;
  #scheduled = false;
  #closed = false;

  /** Paints as `options` say, counting in `counts` (the owner's counts, which hold more). */
  constructor(options: PaintOptions<P, I>, counts: PaintCounts) {
    this.#options = options;
    this.#counts = counts;
    this.#now = options.now ?? Date.now;
  }

  /** Offers a decoded picture to paint; one it replaces, never painted, counts as dropped. */
  offer(picture: P, info: I): void {
    if (this.#closed) {
      picture.close();
      return;
    }
    if (this.#ready) {
      this.#ready.picture.close();
      this.#counts.dropped++;
    }
    this.#ready = { picture, info };
    this.#schedule();
  }

  /** Closes the picture held, and paints nothing more. */
  close(): void {
    this.#closed = true;
    this.#ready?.picture.close();
    this.#ready = null;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#options.requestFrame(() => {
      this.#scheduled = false;
      const ready = this.#ready;
      this.#ready = null;
      if (!ready || this.#closed) {
        ready?.picture.close();
        return;
      }
      try {
        this.#options.surface.draw(ready.picture);
      } finally {
        ready.picture.close();
      }
      this.#counts.painted++;
      const paintedAt = this.#now();
      const captured = Date.parse(ready.info.capturedAt);
      this.#options.onPaint?.({ frame: ready.info, paintedAt, latencyMs: Number.isFinite(captured) ? paintedAt - captured : Number.NaN });
    });
  }
}
