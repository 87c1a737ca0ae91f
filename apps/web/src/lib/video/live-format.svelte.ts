/**
 * Which format the live view plays in this browser: H.264 through WebCodecs
 * where it can, JPEG when the viewer forces it (remembered in localStorage),
 * when the browser has no WebCodecs or cannot decode the stream, or when the
 * server cannot send video (e.g. `VIDEO_ENCODER_UNAVAILABLE`).
 * @module
 */

export type LiveFormatKind = 'h264' | 'jpeg';

/** The localStorage key of the viewer's "Force JPEG" choice. */
export const FORCE_JPEG_KEY = 'servercam.forceJpeg';

export interface LiveFormatOptions {
  /** Where the choice is remembered (`localStorage`); unavailable storage is passed over. */
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'> | null | undefined;
  /** Why this browser cannot play H.264 at all (see `webCodecsMissing`), or null. */
  readonly missing?: string | null | undefined;
}

export class LiveFormat {
  /** The viewer asked for JPEG. */
  forceJpeg = $state(false);
  /** Why H.264 is not played although the viewer did not force JPEG, while that is so. */
  fallback = $state<string | null>(null);
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  readonly #missing: string | null;

  constructor(options: LiveFormatOptions = {}) {
    this.#storage = options.storage ?? null;
    this.#missing = options.missing ?? null;
    this.fallback = this.#missing;
    try {
      this.forceJpeg = this.#storage?.getItem(FORCE_JPEG_KEY) === 'true';
    } catch {
      // Storage denied (privacy settings): the choice is not remembered.
    }
  }

  /** What the live view plays now. */
  get format(): LiveFormatKind {
    return this.forceJpeg || this.fallback !== null ? 'jpeg' : 'h264';
  }

  /** The notice to show: why the view plays JPEG although the viewer did not ask for it. */
  get notice(): string | null {
    return this.forceJpeg ? null : this.fallback;
  }

  /** The viewer's choice; turning it off tries H.264 again. */
  setForceJpeg(force: boolean): void {
    this.forceJpeg = force;
    if (!force) this.fallback = this.#missing;
    try {
      this.#storage?.setItem(FORCE_JPEG_KEY, String(force));
    } catch {
      // Not remembered; it still applies to this page.
    }
  }

  /** H.264 failed (`reason` says how): play JPEG until the viewer toggles "Force JPEG" or reloads. */
  fallBack(reason: string): void {
    this.fallback ??= reason;
  }
}
