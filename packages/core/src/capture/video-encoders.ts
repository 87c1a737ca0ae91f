/**
 * A camera's H.264 encoders on the capture side: one per demanded video
 * variant, started with the first frame it is due and stopped when the
 * variant is no longer demanded. A change of size, pixel format or `quality`
 * starts a new encoder (its first picture is a keyframe with its description).
 *
 * A failed encoder is reported once (`video.error`) and dropped. It is not
 * restarted on its own: the main side ends that variant's consumers, so the
 * demand goes. A variant demanded again starts a new encoder, but no sooner
 * than a backoff after the last failure (1 s, doubling to 30 s; forgotten after
 * a minute without failing); demanded within it, the last error is reported
 * again at once, so clients retrying cannot make a spawn storm.
 * @module
 */
import type { CapturedImage, RawImage } from '../backends/backend.ts';
import { MediaToolUnavailable, type SerializedError, type ServercamError, VideoEncoderFailed, VideoEncoderUnavailable } from '../errors.ts';
import { scaledSize } from '../frame.ts';
import { resolveMediaTool } from '../media-tools.ts';
import type { VariantDemand, WorkerToMain } from '../protocol.ts';
import { backoffDelay } from '../time.ts';
import { transferableCopy } from './transfer.ts';
import { type EncoderConfig, H264Encoder, rateControl } from './video-encoder.ts';

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const FORGET_AFTER_MS = 60_000;

export interface VideoContext {
  readonly session: number;
  readonly cameraId: string;
  post(message: WorkerToMain, transfer?: ArrayBuffer[]): void;
  /** The error as viewers may see it: the camera's secrets and paths redacted, causes included (camera-runner.ts). */
  publicError(error: ServercamError): SerializedError;
}

interface Failure {
  readonly error: ServercamError;
  readonly at: number;
  readonly count: number;
}

/** The ffmpeg the project resolves (SERVERCAM_FFMPEG, PATH, npm), as a typed error when there is none. */
function resolveFfmpeg(): string {
  try {
    const resolved = resolveMediaTool('ffmpeg');
    if (resolved) return resolved.path;
  } catch (error) {
    if (!(error instanceof MediaToolUnavailable)) throw error;
    throw new VideoEncoderUnavailable(`No H.264 encoder: ${error.message}; install ffmpeg with libx264 (Debian/Ubuntu: apt-get install ffmpeg)`, { cause: error });
  }
  throw new VideoEncoderUnavailable(
    'No H.264 encoder: ffmpeg was not found. Install it (Debian/Ubuntu: apt-get install ffmpeg), reinstall the workspace ' +
      'to get @ffmpeg-installer/ffmpeg, or set SERVERCAM_FFMPEG to its path',
  );
}

function sameConfig(a: EncoderConfig, b: EncoderConfig): boolean {
  return a.width === b.width && a.height === b.height && a.pixelFormat === b.pixelFormat && a.crf === b.crf && a.maxrateKbps === b.maxrateKbps;
}

export class VideoEncoders {
  readonly #ctx: VideoContext;
  readonly #encoders = new Map<string, H264Encoder>();
  readonly #failures = new Map<string, Failure>();
  #demanded = new Set<string>();
  readonly #closing = new Set<Promise<void>>();

  constructor(ctx: VideoContext) {
    this.#ctx = ctx;
  }

  /** The demanded video variants changed: encoders no longer demanded stop; a failure within its backoff is reported again. */
  setDemand(variants: readonly VariantDemand[]): void {
    const keys = new Set(variants.map((variant) => variant.key));
    for (const [key, encoder] of this.#encoders) {
      if (!keys.has(key)) this.#stop(key, encoder);
    }
    for (const key of keys) {
      const failure = this.#failures.get(key);
      if (!this.#demanded.has(key) && failure && this.#inBackoff(failure)) this.#postError(key, failure.error);
    }
    this.#demanded = keys;
  }

  /** Feeds one captured frame to the encoders of the due video variants. */
  async feed(image: CapturedImage, variants: readonly VariantDemand[], seq: number, capturedAt: number, quality: number, fps: number): Promise<void> {
    const raws = new Map<number, Promise<RawImage>>();
    await Promise.all(variants.map(async (variant) => {
      const size = scaledSize(image.width, image.height, variant.maxWidth);
      const failure = this.#failures.get(variant.key);
      if (failure && this.#inBackoff(failure)) return;
      let raw = raws.get(size.width);
      if (!raw) {
        raw = image.raw(size.width, size.height);
        raws.set(size.width, raw);
      }
      let pixels: RawImage;
      try {
        pixels = await raw;
      } catch (error) {
        // Never the camera's error: JPEG consumers go on.
        const message = error instanceof Error ? error.message : String(error);
        const encoder = this.#encoders.get(variant.key);
        if (encoder) this.#stop(variant.key, encoder);
        this.#failed(variant.key, new VideoEncoderFailed(`The frame could not be prepared for the H.264 encoder: ${message}`, { cause: error }));
        return;
      }
      const rate = Math.min(fps > 0 ? fps : Number.POSITIVE_INFINITY, variant.maxFps ?? Number.POSITIVE_INFINITY);
      const config: EncoderConfig = { ...size, pixelFormat: pixels.pixelFormat, ...rateControl(quality, size.width, size.height, rate) };
      const encoder = this.#encoderFor(variant.key, config);
      encoder?.write(pixels.data, seq, capturedAt);
    }));
  }

  /** Each running encoder's process id and pictures. */
  stats(): Record<string, { pid: number | undefined; pictures: number }> {
    return Object.fromEntries([...this.#encoders].map(([key, encoder]) => [key, { pid: encoder.pid, pictures: encoder.pictures }]));
  }

  /** Stops every encoder; resolves once their processes have exited. */
  async close(): Promise<void> {
    for (const [key, encoder] of this.#encoders) this.#stop(key, encoder);
    this.#demanded = new Set();
    await Promise.all(this.#closing);
  }

  #encoderFor(key: string, config: EncoderConfig): H264Encoder | undefined {
    const current = this.#encoders.get(key);
    if (current && sameConfig(current.config, config)) return current;
    if (current) this.#stop(key, current);
    let ffmpeg: string;
    try {
      ffmpeg = resolveFfmpeg();
    } catch (error) {
      this.#failed(key, error as ServercamError);
      return undefined;
    }
    const encoder: H264Encoder = new H264Encoder(ffmpeg, config, {
      picture: (picture) => {
        if (this.#encoders.get(key) !== encoder) return;
        const data = transferableCopy(picture.data);
        const description = picture.keyframe ? transferableCopy(picture.description) : undefined;
        this.#ctx.post(
          {
            type: 'video', session: this.#ctx.session, cameraId: this.#ctx.cameraId, variant: key,
            seq: picture.seq, capturedAt: picture.capturedAt, keyframe: picture.keyframe, codec: picture.codec,
            description, width: picture.width, height: picture.height, data,
          },
          description ? [data, description] : [data],
        );
      },
      error: (error) => {
        if (this.#encoders.get(key) !== encoder) return;
        this.#stop(key, encoder);
        this.#failed(key, error);
      },
    });
    this.#encoders.set(key, encoder);
    return encoder;
  }

  #failed(key: string, error: ServercamError): void {
    const last = this.#failures.get(key);
    const count = last && Date.now() - last.at < FORGET_AFTER_MS ? last.count + 1 : 1;
    this.#failures.set(key, { error, at: Date.now(), count });
    this.#postError(key, error);
  }

  #postError(key: string, error: ServercamError): void {
    this.#ctx.post({
      type: 'video.error', session: this.#ctx.session, cameraId: this.#ctx.cameraId, variant: key,
      error: { ...this.#ctx.publicError(error), cameraId: this.#ctx.cameraId },
    });
  }

  #inBackoff(failure: Failure): boolean {
    return Date.now() - failure.at < backoffDelay(failure.count - 1, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
  }

  #stop(key: string, encoder: H264Encoder): void {
    if (this.#encoders.get(key) === encoder) this.#encoders.delete(key);
    const closing = encoder.close();
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }
}
