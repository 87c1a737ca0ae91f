/**
 * Frames and variants. A frame is encoded once per variant, whatever the
 * number of consumers; consumers of the same variant receive the same object.
 * @module
 */

export interface Frame {
  readonly cameraId: string;
  /** One more per captured frame of this camera (a throttled variant skips some). */
  readonly seq: number;
  /** Capture time, milliseconds since the Unix epoch (fractional). */
  readonly capturedAt: number;
  /** The size of the encoded image. */
  readonly width: number;
  readonly height: number;
  readonly mimeType: 'image/jpeg';
  /** The encoded image. Shared by every consumer of the variant: do not modify. */
  readonly data: Uint8Array;
  /**
   * The key of the variant this frame was encoded for, see {@link variantKey}.
   * It may differ from the request's: a width at least the camera's is `full`,
   * and past the camera's variant cap a consumer shares the nearest variant.
   */
  readonly variant: string;
}

/** What a consumer asks for: a smaller width and/or a lower rate than the capture. */
export interface VariantSpec {
  /**
   * Scale down (keeping the aspect ratio) to about this width: it snaps up to
   * the next step of {@link WIDTH_LADDER}, and a step at least as wide as the
   * camera gives its full size.
   */
  readonly maxWidth?: number | undefined;
  /** Deliver at most this many frames per second. */
  readonly maxFps?: number | undefined;
}

/** The full-size, full-rate variant. */
export const FULL_VARIANT = 'full';

/**
 * The widths a `maxWidth` snaps to. Each distinct width is one more JPEG encode
 * of every captured frame (at its consumers' highest rate), so a client may not pick arbitrary ones: 60
 * subscriptions of 60 widths would be 60 encodes a frame. A request snaps **up**
 * to the next step (a 300-pixel tile gets 320 pixels, never a blurry 240), and
 * a step at least as wide as the camera is its full size.
 */
export const WIDTH_LADDER: readonly number[] = Object.freeze([96, 160, 240, 320, 480, 640, 800, 960, 1280, 1600, 1920, 2560, 3840, 7680]);

/** The widest `maxWidth` accepted (the last step of the ladder). */
export const MAX_WIDTH = 7680;

/** The step of {@link WIDTH_LADDER} a `maxWidth` snaps to: the smallest one at least as wide. */
export function snapWidth(maxWidth: number): number {
  for (const step of WIDTH_LADDER) if (step >= maxWidth) return step;
  return MAX_WIDTH;
}

/**
 * Normalizes a variant request: `maxWidth` snapped to {@link WIDTH_LADDER},
 * `maxFps` 0 meaning no limit. Throws RangeError for nonsense values.
 */
export function normalizeVariant(spec: VariantSpec = {}): VariantSpec {
  const { maxFps } = spec;
  let { maxWidth } = spec;
  if (maxWidth !== undefined && (!Number.isInteger(maxWidth) || maxWidth < 16 || maxWidth > MAX_WIDTH)) {
    throw new RangeError(`maxWidth must be a whole number from 16 to ${MAX_WIDTH}, got ${maxWidth}`);
  }
  if (maxWidth !== undefined) maxWidth = snapWidth(maxWidth);
  if (maxFps !== undefined && (!Number.isFinite(maxFps) || maxFps < 0)) {
    throw new RangeError(`maxFps must be a number ≥ 0, got ${maxFps}`);
  }
  return {
    ...(maxWidth !== undefined ? { maxWidth } : {}),
    ...(maxFps !== undefined && maxFps > 0 ? { maxFps } : {}),
  };
}

/** A stable key naming a variant (its width snapped): `full`, `w320`, `f5`, `w320f5`. */
export function variantKey(spec: VariantSpec = {}): string {
  const { maxWidth, maxFps } = normalizeVariant(spec);
  if (maxWidth === undefined && maxFps === undefined) return FULL_VARIANT;
  return `${maxWidth !== undefined ? `w${maxWidth}` : ''}${maxFps !== undefined ? `f${maxFps}` : ''}`;
}

/** Scales `width`×`height` down to at most `maxWidth`, keeping the aspect ratio and even sizes. */
export function scaledSize(width: number, height: number, maxWidth: number | undefined): { width: number; height: number } {
  if (maxWidth === undefined || maxWidth >= width) return { width, height };
  const w = Math.max(2, maxWidth - (maxWidth % 2));
  const h = Math.max(2, Math.round((height * w) / width / 2) * 2);
  return { width: w, height: h };
}
