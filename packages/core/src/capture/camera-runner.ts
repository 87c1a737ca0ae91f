/**
 * One camera inside the capture worker: its open/read/encode loop, pacing,
 * watchdog, reconnect backoff and status reporting.
 * @module
 */
import { EncodeTimes } from './encode-timing.ts';
import type { CaptureBackend, CapturedImage, OpenedSource } from '../backends/backend.ts';
import type { CameraConfig, CameraErrorInfo, CameraStatus } from '../camera.ts';
import { CannotOpenCamera, CannotReadCamera, type SerializedError, type ServercamError } from '../errors.ts';
import { FULL_VARIANT, scaledSize } from '../frame.ts';
import type { StreamSettings } from '../settings.ts';
import { parseSource, type SourceSpec } from '../source.ts';
import { backoffDelay, epochNow, RateMeter } from '../time.ts';
import type { CameraStats, CaptureTuning, VariantDemand, WorkerToMain } from '../protocol.ts';
import { transferableCopy } from './transfer.ts';
import { resolveMotionConfig } from '../motion.ts';
import { CameraMotion } from './camera-motion.ts';
import { asCameraError, operatorError, publicError, publicMessage } from './camera-errors.ts';
import { VideoEncoders } from './video-encoders.ts';

export interface RunnerContext {
  readonly session: number;
  readonly tuning: CaptureTuning;
  settings(): StreamSettings;
  backend(spec: SourceSpec): CaptureBackend;
  post(message: WorkerToMain, transfer?: ArrayBuffer[]): void;
}

const ABORTED = Symbol('aborted');

/** The camera's source, with its `credentials` for a network source. */
function sourceOf(config: CameraConfig): SourceSpec {
  const spec = parseSource(config.source);
  return spec.kind === 'url' && config.credentials ? { ...spec, credentials: config.credentials } : spec;
}

export class CameraRunner {
  readonly id: string;
  readonly #config: CameraConfig;
  readonly #spec: SourceSpec;
  readonly #ctx: RunnerContext;
  #source: OpenedSource | undefined;
  #opening: Promise<OpenedSource> | undefined;
  #demand: VariantDemand[] = [];
  readonly #nextDue = new Map<string, number>();
  #seq = 0;
  #lastTarget = 0;
  /** Undefined until the first report, so a new capture side always tells its first status (after a restart, say). */
  #status: CameraStatus | undefined;
  #error: CameraErrorInfo | undefined;
  #size: { width: number; height: number } | undefined;
  readonly #meter = new RateMeter();
  #wake: (() => void) | undefined;
  #captured = 0;
  #encodes = 0;
  readonly #encodesByVariant: Record<string, number> = {};
  readonly #motion: CameraMotion | undefined;
  readonly #encodeTimes = new EncodeTimes();
  readonly #video: VideoEncoders;

  /** `seq` goes on from `lastSeq` (a restarted capture side keeps counting where the last one stopped). */
  constructor(config: CameraConfig, ctx: RunnerContext, lastSeq = 0) {
    this.id = config.id;
    this.#seq = lastSeq;
    this.#config = config;
    this.#spec = sourceOf(config);
    this.#ctx = ctx;
    this.#motion = config.motion
      ? new CameraMotion(resolveMotionConfig(config.motion), { session: ctx.session, cameraId: config.id, post: (message, transfer) => ctx.post(message, transfer) })
      : undefined;
    this.#video = new VideoEncoders({
      session: ctx.session,
      cameraId: config.id,
      post: (message, transfer) => ctx.post(message, transfer),
      publicError: (error) => publicError(error, this.#spec),
    });
  }

  /** Replaces the set of variants consumers want; an empty set stops capture. */
  setDemand(variants: VariantDemand[]): void {
    this.#demand = variants;
    this.#video.setDemand(variants.filter((variant) => variant.codec === 'h264'));
    for (const key of this.#nextDue.keys()) if (!variants.some((v) => v.key === key)) this.#nextDue.delete(key);
    this.wake();
  }

  /** Interrupts a wait so the loop looks at settings and demand again. */
  wake(): void {
    // The spare goes with the active camera at once, even while this loop is in a read or a backoff.
    if (this.#ctx.settings().activeCameraId !== this.id) this.#video.standby(undefined);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  stats(): CameraStats {
    return {
      cameraId: this.id,
      captured: this.#captured,
      encodes: this.#encodes,
      encodesByVariant: { ...this.#encodesByVariant },
      analyzed: this.#motion?.analyzed ?? 0,
      motionMs: this.#motion?.ms ?? 0,
      videoEncoders: this.#video.stats(),
      videoSpare: this.#video.sparePid,
      encodeMs: this.#encodeTimes.snapshot(),
    };
  }

  /** Opens the source now (the original's `start(camera_indices)`); the opened source is cached. */
  async preopen(): Promise<SerializedError | undefined> {
    try {
      await this.#open();
      return undefined;
    } catch (error) {
      const typed = asCameraError(error, this.id, CannotOpenCamera);
      this.#fail(typed);
      return operatorError(typed, this.#spec);
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    try {
      while (!signal.aborted) {
        const settings = this.#ctx.settings();
        const wanted = this.#demand.length > 0 || this.#motion !== undefined;
        if (settings.paused || !wanted) {
          this.#meter.reset();
          this.#motion?.end();
          // A camera whose last open or read failed stays in error (with its error) until it works again.
          if (this.#status !== 'error' || this.#source) this.#report(settings.paused && wanted ? 'paused' : 'idle');
          await this.#waitForChange(signal);
          continue;
        }
        let source = this.#source;
        if (!source) {
          if (this.#status !== 'error') this.#report('opening');
          try {
            source = await this.#open();
          } catch (error) {
            this.#fail(asCameraError(error, this.id, CannotOpenCamera));
            await this.#backoff(failures++, signal);
            continue;
          }
        }
        // Pace: the stream's fps, but never faster than the source's own rate.
        const interval = Math.max(settings.fps > 0 ? 1000 / settings.fps : 0, source.frameIntervalMs);
        const now = performance.now();
        const target = this.#lastTarget + interval;
        const due = target < now - interval ? now : target;
        if (due > now + 0.5) {
          await this.#waitForChange(signal, due - now);
          continue;
        }
        this.#lastTarget = due;
        let image: CapturedImage | typeof ABORTED;
        try {
          image = await this.#read(source, signal);
        } catch (error) {
          this.#fail(asCameraError(error, this.id, CannotReadCamera));
          this.#motion?.end();
          this.#closeSource(source);
          await this.#backoff(failures++, signal);
          continue;
        }
        if (image === ABORTED) break; // the session closed while a read was in flight
        failures = 0;
        const capturedAt = epochNow();
        this.#seq++;
        this.#captured++;
        this.#meter.tick(capturedAt);
        this.#size = { width: image.width, height: image.height };
        this.#report('live');
        try {
          await Promise.all([
            this.#encodeAndPost(image, capturedAt, settings.quality, settings.fps),
            this.#motion?.detect(source, image, capturedAt, settings.quality),
          ]);
        } catch (error) {
          this.#fail(asCameraError(error, this.id, CannotReadCamera));
        } finally {
          image.release();
        }
      }
    } finally {
      this.#motion?.end();
      if (this.#source) this.#closeSource(this.#source);
      await this.#video.close();
    }
  }

  async #open(): Promise<OpenedSource> {
    if (this.#source) return this.#source;
    this.#opening ??= this.#ctx
      .backend(this.#spec)
      .open(this.#spec, {
        cameraId: this.id,
        loop: this.#config.loop ?? true,
        realtime: this.#config.realtime ?? true,
        openTimeoutMs: this.#ctx.tuning.openTimeoutMs,
      })
      .then((source) => {
        this.#source = source;
        this.#size = { width: source.width, height: source.height };
        return source;
      })
      .finally(() => {
        this.#opening = undefined;
      });
    return this.#opening;
  }

  /** Reads with a watchdog: a read slower than readTimeoutMs is reported, and still awaited. */
  async #read(source: OpenedSource, signal: AbortSignal): Promise<CapturedImage | typeof ABORTED> {
    const read = source.read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      timer = setTimeout(() => {
        this.#fail(
          new CannotReadCamera(
            `Cannot read camera "${this.id}": no frame for ${(this.#ctx.tuning.readTimeoutMs / 1000).toFixed(1)} s; the source has stalled`,
            { cameraId: this.id },
          ),
        );
      }, this.#ctx.tuning.readTimeoutMs);
      onAbort = () => resolve(ABORTED);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([read, aborted]);
      if (result === ABORTED) {
        // Never release a capture while a native read is in flight: release it once the read settles.
        this.#source = undefined;
        read.then((image) => image.release(), () => {}).finally(() => source.close());
      }
      return result;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Encodes each due variant once per distinct size and posts the bytes, transferred. */
  async #encodeAndPost(image: CapturedImage, capturedAt: number, quality: number, fps: number): Promise<void> {
    const groups = new Map<number, { width: number; height: number; keys: string[] }>();
    const video: VariantDemand[] = [];
    let fullSkipped: VariantDemand | undefined;
    for (const variant of this.#demand) {
      if (!this.#isDue(variant, capturedAt)) {
        if (variant.key === FULL_VARIANT) fullSkipped = variant;
        continue;
      }
      if (variant.codec === 'h264') {
        video.push(variant);
        continue;
      }
      const size = scaledSize(image.width, image.height, variant.maxWidth);
      const group = groups.get(size.width);
      if (group) group.keys.push(variant.key);
      else groups.set(size.width, { ...size, keys: [variant.key] });
    }
    // A thinned `full` (the stream's valueFps) rides along, free, on a full-size encode made for another rate,
    // and counts as made: its own schedule starts again from here, so it keeps to that encode's beat.
    const fullGroup = fullSkipped ? groups.get(image.width) : undefined;
    if (fullSkipped?.maxFps && fullGroup) {
      fullGroup.keys.push(FULL_VARIANT);
      this.#nextDue.set(FULL_VARIANT, capturedAt + 1000 / fullSkipped.maxFps);
    }
    const measured = this.#meter.rate();
    const seq = this.#seq;
    const active = this.#ctx.settings().activeCameraId === this.id;
    this.#video.standby(active && this.#ctx.tuning.videoStandby ? { image, quality, fps } : undefined);
    await Promise.all([
      video.length > 0 ? this.#video.feed(image, video, seq, capturedAt, quality, fps) : undefined,
      ...[...groups.values()].map(async ({ width, height, keys }) => {
        const encodeStarted = performance.now();
        const bytes = await image.encode({ quality, width, height });
        this.#encodeTimes.observe(performance.now() - encodeStarted);
        this.#encodes++;
        for (const key of keys) this.#encodesByVariant[key] = (this.#encodesByVariant[key] ?? 0) + 1;
        const data = transferableCopy(bytes);
        this.#ctx.post(
          { type: 'frame', session: this.#ctx.session, cameraId: this.id, seq, capturedAt, width, height, variants: keys, data, fps: measured },
          [data],
        );
      }),
    ]);
  }

  #isDue(variant: VariantDemand, at: number): boolean {
    if (!variant.maxFps) return true;
    const interval = 1000 / variant.maxFps;
    const next = this.#nextDue.get(variant.key) ?? 0;
    // A little slack, so a 30 fps capture thinned to 10 fps keeps every third frame.
    if (at + interval * 0.2 < next) return false;
    this.#nextDue.set(variant.key, next + interval < at - interval ? at + interval : next + interval);
    return true;
  }

  #fail(error: ServercamError): void {
    this.#error = { code: error.code, message: publicMessage(error.message, this.#spec), at: Date.now() };
    this.#meter.reset();
    this.#report('error', true);
  }

  #report(status: CameraStatus, force = false): void {
    if (status === 'live' && this.#status !== 'live') this.#error = undefined;
    if (!force && status === this.#status) return;
    this.#status = status;
    this.#ctx.post({
      type: 'status',
      session: this.#ctx.session,
      cameraId: this.id,
      status,
      error: this.#error,
      width: this.#size?.width,
      height: this.#size?.height,
      fps: status === 'live' ? this.#meter.rate() : 0,
    });
  }

  #closeSource(source: OpenedSource): void {
    if (this.#source === source) this.#source = undefined;
    try {
      source.close();
    } catch {
      // Closing a broken source can fail; it is gone either way.
    }
  }

  #backoff(failures: number, signal: AbortSignal): Promise<void> {
    const { reconnectMinMs, reconnectMaxMs } = this.#ctx.tuning;
    const delay = backoffDelay(failures, reconnectMinMs, reconnectMaxMs);
    return this.#waitForChange(signal, delay * (0.9 + Math.random() * 0.2), false);
  }

  /** Waits until woken (settings or demand changed), `ms` passes, or `signal` aborts. */
  #waitForChange(signal: AbortSignal, ms = Number.POSITIVE_INFINITY, wakeable = true): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        if (this.#wake === finish) this.#wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(finish, ms) : undefined;
      signal.addEventListener('abort', finish, { once: true });
      if (wakeable) this.#wake = finish;
    });
  }
}
