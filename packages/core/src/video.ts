/**
 * Encoded video: H.264 access units, encoded once per video variant on the
 * capture side and shared by every consumer of that variant (see
 * `gop-fanout.ts` for how late joiners and slow consumers are served).
 * @module
 */
import { type VariantSpec, variantKey } from './frame.ts';

/** One H.264 access unit (one picture) of a camera's video variant. */
export interface VideoChunk {
  readonly cameraId: string;
  /** The seq of the captured frame this picture encodes. */
  readonly seq: number;
  /** Capture time of that frame, ms since the Unix epoch (like `Frame.capturedAt`). */
  readonly capturedAt: number;
  /** An IDR picture: decoding can start here. */
  readonly keyframe: boolean;
  /** The codec string from the SPS, `avc1.PPCCLL` (what WebCodecs and MSE take). */
  readonly codec: string;
  /** The `avcC` record (AVCDecoderConfigurationRecord), on every keyframe; undefined on other pictures. */
  readonly description: Uint8Array | undefined;
  readonly width: number;
  readonly height: number;
  /**
   * One access unit in AVCC layout: NAL units each preceded by a 4-byte
   * big-endian length, what a WebCodecs `EncodedVideoChunk` takes with a
   * description and what MP4 samples hold (`avccToAnnexB` for a .h264 file).
   * Shared by every consumer of the variant: do not modify.
   */
  readonly data: Uint8Array;
  /** The video variant's key, e.g. `h264:w640`, `h264:full`. */
  readonly variant: string;
}

/** Which video a consumer wants. */
export interface VideoRequest extends VariantSpec {
  /** A camera id; when omitted, the active camera, following it as it changes. */
  readonly cameraId?: string | undefined;
}

export interface VideoOptions extends VideoRequest {
  /** Ends the iteration. */
  readonly signal?: AbortSignal | undefined;
}

/** The codec of every video variant (the only one so far). */
export const VIDEO_CODEC = 'h264';

/** The key of a video variant: `h264:` and the variant's key (`h264:full`, `h264:w640`, `h264:w640f10`). */
export function videoVariantKey(spec: VariantSpec = {}): string {
  return `${VIDEO_CODEC}:${variantKey(spec)}`;
}

/** The default bound of a video variant's cached GOP, in bytes (and of a consumer's unread chunks). */
export const DEFAULT_VIDEO_GOP_BYTES = 8 * 1024 * 1024;

/** The default cap on distinct video widths per camera (each one is an encoder process). */
export const DEFAULT_MAX_VIDEO_VARIANTS = 2;

/** The keyframe interval of every encoder, ms. */
export const VIDEO_KEYFRAME_INTERVAL_MS = 2000;

/** Checks a `videoGopBytes` value. @throws {RangeError} */
export function checkGopBytes(value: number): number {
  if (!Number.isInteger(value) || value < 1024) throw new RangeError(`videoGopBytes must be a whole number ≥ 1024, got ${value}`);
  return value;
}
