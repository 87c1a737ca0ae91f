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
  readonly width: number;
  readonly height: number;
  readonly mimeType: 'image/jpeg';
  /** The encoded image. Shared by every consumer of the variant: do not modify. */
  readonly data: Uint8Array;
  /** The variant key this frame was encoded for, see {@link variantKey}. */
  readonly variant: string;
}

/** What a consumer asks for: a smaller width and/or a lower rate than the capture. */
export interface VariantSpec {
  /** Scale down (keeping the aspect ratio) to at most this width. */
  readonly maxWidth?: number | undefined;
  /** Deliver at most this many frames per second. */
  readonly maxFps?: number | undefined;
}

/** The full-size, full-rate variant. */
export const FULL_VARIANT = 'full';

/** Normalizes a variant request; throws RangeError for nonsense values. */
export function normalizeVariant(spec: VariantSpec = {}): VariantSpec {
  const { maxWidth, maxFps } = spec;
  if (maxWidth !== undefined && (!Number.isInteger(maxWidth) || maxWidth < 16 || maxWidth > 7680)) {
    throw new RangeError(`maxWidth must be a whole number from 16 to 7680, got ${maxWidth}`);
  }
  if (maxFps !== undefined && (!Number.isFinite(maxFps) || maxFps < 0)) {
    throw new RangeError(`maxFps must be a number ≥ 0, got ${maxFps}`);
  }
  return {
    ...(maxWidth !== undefined ? { maxWidth } : {}),
    ...(maxFps !== undefined && maxFps > 0 ? { maxFps } : {}),
  };
}

/** A stable key naming a variant: `full`, `w320`, `f5`, `w320f5`. */
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
