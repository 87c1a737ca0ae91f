/**
 * The capture-backend seam. A backend opens sources; an opened source reads
 * images and encodes them. Everything here runs inside the capture worker.
 * @module
 */
import type { MotionAnalyzer } from '../capture/motion/analyzer.ts';
import type { ResolvedMotionConfig } from '../motion.ts';
import type { SourceSpec } from '../source.ts';

export interface EncodeOptions {
  /** JPEG quality, 1–100. */
  readonly quality: number;
  /** Target width; the height keeps the aspect ratio. Equal to the image width for full size. */
  readonly width: number;
  readonly height: number;
}

/**
 * Pixels for the H.264 encoder, in a layout ffmpeg's rawvideo names: packed
 * RGB or BGR, or planar 4:2:0 (`yuv420p`: BT.601 limited range, the encoder's
 * own layout, half the bytes of BGR and no conversion in the encoder).
 */
export interface RawImage {
  readonly data: Uint8Array;
  readonly pixelFormat: 'rgb24' | 'bgr24' | 'yuv420p';
}

/** One captured image, in whatever form the backend holds it. */
export interface CapturedImage {
  readonly width: number;
  readonly height: number;
  /** Encodes to JPEG. May be called several times, once per distinct size. */
  encode(options: EncodeOptions): Promise<Uint8Array>;
  /**
   * The picture as packed 8-bit pixels (width × height × 3 bytes), scaled to
   * `width`×`height`, in the backend's own channel order: the input of the
   * video encoder. The bytes are the caller's until it lets go of them.
   */
  raw(width: number, height: number): Promise<RawImage>;
  /**
   * The pixel format `raw(width, height)` would give, without making it: lets
   * the capture side start a video encoder before anyone asks for video.
   * Optional; without it that waits for the first `raw`.
   */
  rawFormat?(width: number, height: number): RawImage['pixelFormat'];
  /** A small grayscale copy (width × height bytes), for motion detection. */
  grayscale(width: number, height: number): Promise<Uint8Array>;
  /** Frees native memory early; the image is not used afterwards. */
  release(): void;
}

export interface OpenedSource {
  readonly width: number;
  readonly height: number;
  /**
   * The least time between two reads, in ms, for sources that would otherwise
   * read faster than real time (a file, the synthetic pattern); 0 for sources
   * whose read waits for the next frame itself (devices, network streams).
   */
  readonly frameIntervalMs: number;
  /** A motion analyzer native to this backend (OpenCV's), if it has one. */
  createMotionAnalyzer?(config: ResolvedMotionConfig): MotionAnalyzer;
  /** Reads the next image. Rejects with CannotReadCamera when the source gives none. */
  read(): Promise<CapturedImage>;
  close(): void;
}

export interface OpenOptions {
  readonly cameraId: string;
  readonly loop: boolean;
  readonly realtime: boolean;
  /** How long a network source may take to answer before the open fails. */
  readonly openTimeoutMs: number;
}

export interface CaptureBackend {
  readonly name: SourceSpec['backend'];
  /** Rejects with CannotOpenCamera or BackendUnavailable. */
  open(spec: SourceSpec, options: OpenOptions): Promise<OpenedSource>;
}
