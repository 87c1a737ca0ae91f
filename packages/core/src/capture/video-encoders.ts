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
 *
 * A spare (`standby`): one encoder started ahead, with no frame written, for
 * the variant the first viewer most likely asks for (the active camera at
 * full size, the UI's and a bare `video` subscription's choice), once the
 * camera has given frames for 2 s with the same settings. That viewer's
 * variant takes it, so it does not wait for ffmpeg to start: Debian's ffmpeg
 * links some 200 libraries and took 0.3–0.5 s to start here, against about
 * 30 ms from a frame to its picture once running. An idle spare is a process
 * blocked on its stdin (about 9 MB of private memory). Its failures are not
 * reported (no one watches it); they only stop spares for a while, and the
 * variant's own encoder then reports the error as before.
 * @module
 */
import type { CapturedImage, RawImage } from '../backends/backend.ts';
import { MediaToolUnavailable, type SerializedError, type ServercamError, VideoEncoderFailed, VideoEncoderUnavailable } from '../errors.ts';
import { scaledSize } from '../frame.ts';
import { resolveMediaTool } from '../media-tools.ts';
import type { VariantDemand, WorkerToMain } from '../protocol.ts';
import { backoffDelay } from '../time.ts';
import { transferableCopy } from './transfer.ts';
import { type EncodedPicture, type EncoderConfig, H264Encoder, rateControl } from './video-encoder.ts';

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const FORGET_AFTER_MS = 60_000;
/** No new spare this soon after one was taken: its start would compete with the new viewer's first pictures. */
const SPARE_AFTER_TAKEN_MS = 1000;
/** Nor before the camera has given frames this long: not while it starts, nor for a stream that lives a moment. */
const SPARE_AFTER_LIVE_MS = 2000;

export interface VideoContext {
  readonly session: number;
  readonly cameraId: string;
  post(message: WorkerToMain, transfer?: ArrayBuffer[]): void;
  /** The error as viewers may see it: the camera's secrets and paths redacted, causes included (camera-errors.ts). */
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

/** The encoder settings of a variant: its size and pixels, and the rate control of `quality` at the variant's rate. */
function encoderConfig(size: { width: number; height: number }, pixelFormat: RawImage['pixelFormat'], quality: number, fps: number, maxFps: number | undefined): EncoderConfig {
  const rate = Math.min(fps > 0 ? fps : Number.POSITIVE_INFINITY, maxFps ?? Number.POSITIVE_INFINITY);
  return { ...size, pixelFormat, ...rateControl(quality, size.width, size.height, rate) };
}

/** What a spare is started for: the camera's frames at full size, no rate of its own. */
export interface StandbyTarget {
  readonly image: CapturedImage;
  readonly quality: number;
  readonly fps: number;
}

export class VideoEncoders {
  readonly #ctx: VideoContext;
  readonly #encoders = new Map<string, H264Encoder>();
  #spare: H264Encoder | undefined;
  #spareNotBefore = 0;
  /** The settings `standby` was last asked for, and since when without a break or a change. */
  #standbyFor: EncoderConfig | undefined;
  #standbySince: number | undefined;
  /** The pixel format the backend gave last for a full-size frame, for backends that do not say it ahead (`CapturedImage.rawFormat`). */
  #lastPixelFormat: RawImage['pixelFormat'] | undefined;
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
        // The spare is full size: only a full-size frame's format says what it needs.
        if (size.width === image.width && size.height === image.height) this.#lastPixelFormat = pixels.pixelFormat;
      } catch (error) {
        // Never the camera's error: JPEG consumers go on.
        const message = error instanceof Error ? error.message : String(error);
        const encoder = this.#encoders.get(variant.key);
        if (encoder) this.#stop(variant.key, encoder);
        this.#failed(variant.key, new VideoEncoderFailed(`The frame could not be prepared for the H.264 encoder: ${message}`, { cause: error }));
        return;
      }
      const config = encoderConfig(size, pixels.pixelFormat, quality, fps, variant.maxFps);
      const encoder = this.#encoderFor(variant.key, config);
      encoder?.write(pixels.data, seq, capturedAt);
    }));
  }

  /**
   * Keeps a spare encoder started for `target`'s full-size variant, or none
   * (undefined). Cheap when nothing changed: called once per captured frame.
   */
  standby(target: StandbyTarget | undefined): void {
    const config = target && this.#standbyConfig(target);
    const now = Date.now();
    // New settings count as a break: settings changed again and again start no ffmpeg each time.
    const unchanged = config && this.#standbyFor && sameConfig(config, this.#standbyFor);
    this.#standbySince = config ? (unchanged ? (this.#standbySince ?? now) : now) : undefined;
    this.#standbyFor = config;
    const spare = this.#spare;
    if (spare && config && sameConfig(spare.config, config)) return;
    if (spare) {
      this.#spare = undefined;
      this.#close(spare);
    }
    if (!config || now < this.#spareNotBefore || now < (this.#standbySince ?? now) + SPARE_AFTER_LIVE_MS) return;
    let ffmpeg: string;
    try {
      ffmpeg = resolveFfmpeg();
    } catch {
      // No encoder: the variant's own start reports it to its viewers.
      this.#spareNotBefore = now + BACKOFF_MAX_MS;
      return;
    }
    this.#spare = this.#spawn(ffmpeg, config);
  }

  /** The spare's process id, if one is started. */
  get sparePid(): number | undefined {
    return this.#spare?.pid;
  }

  /** Each running encoder's process id and pictures. */
  stats(): Record<string, { pid: number | undefined; pictures: number }> {
    return Object.fromEntries([...this.#encoders].map(([key, encoder]) => [key, { pid: encoder.pid, pictures: encoder.pictures }]));
  }

  /** Stops every encoder; resolves once their processes have exited. */
  async close(): Promise<void> {
    for (const [key, encoder] of this.#encoders) this.#stop(key, encoder);
    this.standby(undefined);
    this.#demanded = new Set();
    await Promise.all(this.#closing);
  }

  #standbyConfig({ image, quality, fps }: StandbyTarget): EncoderConfig | undefined {
    const size = scaledSize(image.width, image.height, undefined);
    const pixelFormat = image.rawFormat?.(size.width, size.height) ?? this.#lastPixelFormat;
    return pixelFormat && encoderConfig(size, pixelFormat, quality, fps, undefined);
  }

  #encoderFor(key: string, config: EncoderConfig): H264Encoder | undefined {
    const current = this.#encoders.get(key);
    if (current && sameConfig(current.config, config)) return current;
    if (current) this.#stop(key, current);
    let encoder: H264Encoder;
    const spare = this.#spare;
    if (spare && sameConfig(spare.config, config)) {
      this.#spare = undefined;
      this.#spareNotBefore = Date.now() + SPARE_AFTER_TAKEN_MS;
      encoder = spare;
    } else {
      let ffmpeg: string;
      try {
        ffmpeg = resolveFfmpeg();
      } catch (error) {
        this.#failed(key, error as ServercamError);
        return undefined;
      }
      encoder = this.#spawn(ffmpeg, config);
    }
    this.#encoders.set(key, encoder);
    return encoder;
  }

  #spawn(ffmpeg: string, config: EncoderConfig): H264Encoder {
    const encoder: H264Encoder = new H264Encoder(ffmpeg, config, {
      picture: (picture) => this.#onPicture(encoder, picture),
      error: (error) => this.#onError(encoder, error),
    });
    return encoder;
  }

  /** The variant an encoder serves, while it is that variant's current one (a few variants at most: a scan). */
  #keyOf(encoder: H264Encoder): string | undefined {
    for (const [key, running] of this.#encoders) if (running === encoder) return key;
    return undefined;
  }

  #onPicture(encoder: H264Encoder, picture: EncodedPicture): void {
    const key = this.#keyOf(encoder);
    if (key === undefined) return;
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
  }

  #onError(encoder: H264Encoder, error: ServercamError): void {
    if (encoder === this.#spare) {
      // Nobody watches a spare: no more of them for a while; a variant's own encoder reports what is wrong.
      this.#spare = undefined;
      this.#spareNotBefore = Date.now() + BACKOFF_MAX_MS;
      this.#close(encoder);
      return;
    }
    const key = this.#keyOf(encoder);
    if (key === undefined) return;
    this.#stop(key, encoder);
    this.#failed(key, error);
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
    this.#close(encoder);
  }

  #close(encoder: H264Encoder): void {
    const closing = encoder.close();
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }
}
