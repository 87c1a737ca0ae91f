/**
 * The synthetic backend: a moving test pattern that needs no camera and no
 * OpenCV, encoded with sharp.
 * @module
 */
import sharp from 'sharp';
import { BackendUnavailable } from '../errors.ts';
import type { SourceSpec } from '../source.ts';
import type { CaptureBackend, CapturedImage, EncodeOptions, OpenedSource, OpenOptions, RawImage } from './backend.ts';
import { i420Length } from './raster.ts';
import { SyntheticPattern } from './synthetic-pattern.ts';

sharp.cache(false);

/** Encodes a packed RGB image to JPEG with sharp, scaling it down first when asked. */
export async function encodeRgbJpeg(
  rgb: Uint8Array,
  width: number,
  height: number,
  options: EncodeOptions,
): Promise<Uint8Array> {
  let image = sharp(rgb, { raw: { width, height, channels: 3 } });
  if (options.width !== width) image = image.resize(options.width, options.height, { fit: 'fill', kernel: 'linear' });
  return image.jpeg({ quality: options.quality, mozjpeg: false, chromaSubsampling: '4:2:0' }).toBuffer();
}

/** A packed RGB image scaled to `toWidth`×`toHeight`. */
export async function resizeRgb(rgb: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Promise<Uint8Array> {
  return sharp(rgb, { raw: { width, height, channels: 3 } }).resize(toWidth, toHeight, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
}

/** A small grayscale copy of a packed RGB image. */
export async function grayscaleRgb(rgb: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Promise<Uint8Array> {
  const { data, info } = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(toWidth, toHeight, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one channel, got ${info.channels}`);
  return data;
}

class SyntheticSource implements OpenedSource {
  readonly width: number;
  readonly height: number;
  readonly frameIntervalMs: number;
  readonly #pattern: SyntheticPattern;
  readonly #label: string;
  #seq = 0;
  #closed = false;

  constructor(width: number, height: number, fps: number, label: string) {
    this.width = width;
    this.height = height;
    this.frameIntervalMs = 1000 / fps;
    this.#pattern = new SyntheticPattern(width, height);
    this.#label = label;
  }

  async read(): Promise<CapturedImage> {
    if (this.#closed) throw new Error('synthetic source is closed');
    const { width, height } = this;
    const seq = ++this.#seq;
    const time = new Date();
    // Each drawing is made when first asked for (the pattern is a function of seq and time): a frame only
    // the H.264 encoder takes is drawn in I420 alone. Fresh buffers per frame: encodes of one frame may
    // still run while the next is read.
    let rgbFrame: Uint8Array | undefined;
    const rgb = (): Uint8Array => {
      if (!rgbFrame) {
        rgbFrame = new Uint8Array(width * height * 3);
        this.#pattern.render(rgbFrame, seq, time, this.#label);
      }
      return rgbFrame;
    };
    // The frame drawn in I420 for the H.264 encoder at full size (see raster.ts).
    let i420: Uint8Array | undefined;
    const planar = (): Uint8Array => {
      if (!i420) {
        i420 = new Uint8Array(i420Length(width, height));
        this.#pattern.render(i420, seq, time, this.#label, 'yuv420p');
      }
      return i420;
    };
    // I420 at full size and even (4:2:0 needs it); other sizes are scaled in RGB, and the encoder converts them.
    const rawFormat = (w: number, h: number): RawImage['pixelFormat'] => (w === width && h === height && w % 2 === 0 && h % 2 === 0 ? 'yuv420p' : 'rgb24');
    // The frame scaled for the H.264 encoder, per size: a JPEG of that size encodes from it rather than scale again.
    const scaled = new Map<string, Promise<Uint8Array>>();
    return {
      width,
      height,
      encode: async (options) => {
        // A failed resize for the encoder is the video's error, never the JPEG's: then scale here.
        const resized = await scaled.get(`${options.width}x${options.height}`)?.catch(() => undefined);
        return resized
          ? encodeRgbJpeg(resized, options.width, options.height, options)
          : encodeRgbJpeg(rgb(), width, height, options);
      },
      grayscale: (w, h) => grayscaleRgb(rgb(), width, height, w, h),
      raw: async (w, h) => {
        if (rawFormat(w, h) === 'yuv420p') return { data: planar(), pixelFormat: 'yuv420p' };
        if (w === width && h === height) return { data: rgb(), pixelFormat: 'rgb24' };
        let resized = scaled.get(`${w}x${h}`);
        if (!resized) {
          resized = resizeRgb(rgb(), width, height, w, h);
          scaled.set(`${w}x${h}`, resized);
        }
        return { data: await resized, pixelFormat: 'rgb24' };
      },
      rawFormat,
      release: () => scaled.clear(),
    };
  }

  close(): void {
    this.#closed = true;
  }
}

export const syntheticBackend: CaptureBackend = {
  name: 'synthetic',
  async open(spec: SourceSpec, options: OpenOptions): Promise<OpenedSource> {
    if (spec.kind !== 'synthetic') {
      throw new BackendUnavailable(`The synthetic backend cannot open "${spec.text}"`, { cameraId: options.cameraId });
    }
    return new SyntheticSource(spec.width, spec.height, spec.fps, options.cameraId);
  },
};
