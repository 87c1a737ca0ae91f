/**
 * Draws a stream of JPEG frames onto a surface (a `<canvas>`) without ever
 * falling behind or holding on to memory:
 * - one frame decodes at a time (`createImageBitmap`); frames arriving while it
 *   decodes are dropped, all but the newest, which decodes next;
 * - a decoded bitmap is drawn at the next animation frame; one that a newer
 *   bitmap overtakes before then is closed undrawn;
 * - every bitmap is closed once drawn or dropped.
 * @module
 */
import type { FrameFieldsFragment } from '@servercam/schema/client';
import { base64ToBytes } from './base64.ts';
import { LatestPicture, type PaintOptions } from './latest-picture.ts';

/** What the painter needs of a frame. */
export type PaintableFrame = Pick<FrameFieldsFragment, 'cameraId' | 'seq' | 'capturedAt' | 'width' | 'height' | 'mimeType' | 'data'>;

/** A frame's description without its image data. */
export type FrameInfo = Omit<PaintableFrame, 'data'>;

/** What the painter needs of a decoded image (an `ImageBitmap` in a browser). */
export interface Bitmap {
  readonly width: number;
  readonly height: number;
  close(): void;
}

export interface PaintSurface<B extends Bitmap> {
  draw(bitmap: B): void;
}

export interface PainterCounts {
  received: number;
  decoded: number;
  painted: number;
  /** Frames skipped because a newer one came first (before or after decoding). */
  dropped: number;
  decodeErrors: number;
}

export interface FramePainterOptions<B extends Bitmap> extends PaintOptions<B, FrameInfo> {
  readonly decode: (blob: Blob) => Promise<B>;
  readonly onDecodeError?: ((error: unknown, frame: FrameInfo) => void) | undefined;
}

export class FramePainter<B extends Bitmap> {
  readonly counts: PainterCounts = { received: 0, decoded: 0, painted: 0, dropped: 0, decodeErrors: 0 };
  readonly #options: FramePainterOptions<B>;
  #decoding = false;
  #pending: PaintableFrame | null = null;
  readonly #latest: LatestPicture<B, FrameInfo>;
  #closed = false;

  constructor(options: FramePainterOptions<B>) {
    this.#options = options;
    this.#latest = new LatestPicture(options, this.counts);
  }

  /** Whether a frame is being decoded now. */
  get decoding(): boolean {
    return this.#decoding;
  }

  /** Offers a frame: it is decoded now, or next, or dropped for a newer one. */
  push(frame: PaintableFrame): void {
    if (this.#closed) return;
    this.counts.received++;
    if (this.#decoding) {
      if (this.#pending) this.counts.dropped++;
      this.#pending = frame;
      return;
    }
    void this.#decode(frame);
  }

  /** Stops painting and closes every bitmap held. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = null;
    this.#latest.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async #decode(frame: PaintableFrame): Promise<void> {
    this.#decoding = true;
    try {
      const blob = new Blob([base64ToBytes(frame.data)], { type: frame.mimeType || 'image/jpeg' });
      const bitmap = await this.#options.decode(blob);
      if (this.#closed) {
        bitmap.close();
        return;
      }
      this.counts.decoded++;
      const { data: _data, ...info } = frame;
      this.#latest.offer(bitmap, info);
    } catch (error) {
      this.counts.decodeErrors++;
      const { data: _data, ...info } = frame;
      this.#options.onDecodeError?.(error, info);
    } finally {
      this.#decoding = false;
      const next = this.#pending;
      this.#pending = null;
      if (next && !this.#closed) void this.#decode(next);
    }
  }
}

/** A `<canvas>` surface: sized to each bitmap, drawn with a 2D context. */
export function canvasSurface(canvas: HTMLCanvasElement): PaintSurface<ImageBitmap> {
  let context: CanvasRenderingContext2D | null = null;
  return {
    draw(bitmap) {
      if (canvas.width !== bitmap.width) canvas.width = bitmap.width;
      if (canvas.height !== bitmap.height) canvas.height = bitmap.height;
      context ??= canvas.getContext('2d', { alpha: false });
      context?.drawImage(bitmap, 0, 0);
    },
  };
}
