/**
 * The newest decoded picture, waiting for the next animation frame: a newer
 * one replaces (and closes) one never painted, so painting never falls behind
 * the stream. Shared by the JPEG painter (ImageBitmap) and the H.264 player
 * (VideoFrame): both hold pictures that must be closed.
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
}

export interface LatestPictureOptions<P extends Closable, I extends { readonly capturedAt: string }> {
  /** Schedules a callback before the next repaint (`requestAnimationFrame` in a page). */
  readonly requestFrame: (callback: () => void) => unknown;
  readonly draw: (picture: P) => void;
  readonly now: () => number;
  readonly onPainted: (painted: Painted<I>) => void;
}

export class LatestPicture<P extends Closable, I extends { readonly capturedAt: string }> {
  readonly #options: LatestPictureOptions<P, I>;
  #ready: { picture: P; info: I } | null = null;
  #scheduled = false;
  #closed = false;

  constructor(options: LatestPictureOptions<P, I>) {
    this.#options = options;
  }

  /** Offers a decoded picture to paint; returns whether it replaced one never painted (a drop). */
  offer(picture: P, info: I): boolean {
    if (this.#closed) {
      picture.close();
      return false;
    }
    const replaced = this.#ready !== null;
    this.#ready?.picture.close();
    this.#ready = { picture, info };
    this.#schedule();
    return replaced;
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
        this.#options.draw(ready.picture);
      } finally {
        ready.picture.close();
      }
      const paintedAt = this.#options.now();
      const captured = Date.parse(ready.info.capturedAt);
      this.#options.onPainted({ frame: ready.info, paintedAt, latencyMs: Number.isFinite(captured) ? paintedAt - captured : Number.NaN });
    });
  }
}
