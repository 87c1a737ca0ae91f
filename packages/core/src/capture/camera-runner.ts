/**
 * One camera inside the capture worker: its open/read/encode loop, pacing,
 * watchdog, reconnect backoff and status reporting.
 * @module
 */
import { EncodeTimes } from './encode-timing.ts';
import type { CaptureBackend, CapturedImage, OpenedSource } from '../backends/backend.ts';
import type { CameraConfig, CameraErrorInfo, CameraStatus } from '../camera.ts';
import { CannotOpenCamera, CannotReadCamera, type SerializedCause, type SerializedError, ServercamError } from '../errors.ts';
import { scaledSize } from '../frame.ts';
import type { StreamSettings } from '../settings.ts';
import { redactSecrets } from '../redact.ts';
import { parseSource, type SourceSpec } from '../source.ts';
import { backoffDelay, epochNow, RateMeter } from '../time.ts';
import type { CameraStats, CaptureTuning, VariantDemand, WorkerToMain } from '../protocol.ts';
import { transferableCopy } from './transfer.ts';
import type { MotionAnalyzer } from './motion/analyzer.ts';
import { PureMotionAnalyzer } from './motion/pure-analyzer.ts';
import { MotionTracker, type TrackedEvent, type TrackerStep } from './motion/tracker.ts';
import { resolveMotionConfig, type ResolvedMotionConfig } from '../motion.ts';
import { VideoEncoders } from './video-encoders.ts';

/** Motion snapshots are at most this wide. */
const SNAPSHOT_WIDTH = 640;

export interface RunnerContext {
  readonly session: number;
  readonly tuning: CaptureTuning;
  settings(): StreamSettings;
  backend(spec: SourceSpec): CaptureBackend;
  post(message: WorkerToMain, transfer?: ArrayBuffer[]): void;
}

const ABORTED = Symbol('aborted');

/** Turns anything thrown into a typed error of this camera. */
function asCameraError(error: unknown, cameraId: string, fallback: typeof CannotOpenCamera | typeof CannotReadCamera): ServercamError {
  if (error instanceof ServercamError) return error;
  const message = error instanceof Error && error.message ? error.message : String(error);
  return new fallback(`Camera "${cameraId}": ${message}`, { cameraId, cause: error });
}

/**
 * An error message fit for viewers: a file source's path becomes its file
 * name, and every URL loses its credentials, as does the camera's password
 * wherever it appears (redact.ts).
 */
export function publicMessage(message: string, spec: SourceSpec): string {
  if (spec.kind === 'file') return message.split(spec.path).join(spec.path.split(/[\\/]/).at(-1) ?? spec.path);
  return redactSecrets(message, knownSecrets(spec));
}

/** The camera's password (given in `credentials`), to be masked wherever it appears. */
function knownSecrets(spec: SourceSpec): string[] {
  return spec.kind === 'url' && spec.credentials?.password !== undefined ? [spec.credentials.password] : [];
}

/** A serialized cause chain with each message redacted by `redact`. */
function redactCause(cause: SerializedCause | undefined, redact: (message: string) => string): SerializedCause | undefined {
  return cause && { name: cause.name, message: redact(cause.message), cause: redactCause(cause.cause, redact) };
}

/** An error as viewers get it: its message and every cause's through {@link publicMessage}. */
export function publicError(error: ServercamError, spec: SourceSpec): SerializedError {
  const redact = (message: string): string => publicMessage(message, spec);
  const serialized = error.toJSON();
  return { ...serialized, message: redact(serialized.message), cause: redactCause(serialized.cause, redact) };
}

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
  readonly #motionConfig: ResolvedMotionConfig | undefined;
  #analyzer: MotionAnalyzer | undefined;
  readonly #tracker: MotionTracker | undefined;
  #analyzed = 0;
  #motionMs = 0;
  readonly #encodeTimes = new EncodeTimes();
  #lastAnalyzedAt = 0;
  readonly #video: VideoEncoders;

  /** `seq` goes on from `lastSeq` (a restarted capture side keeps counting where the last one stopped). */
  constructor(config: CameraConfig, ctx: RunnerContext, lastSeq = 0) {
    this.id = config.id;
    this.#seq = lastSeq;
    this.#config = config;
    this.#spec = sourceOf(config);
    this.#ctx = ctx;
    this.#motionConfig = config.motion ? resolveMotionConfig(config.motion) : undefined;
    this.#tracker = this.#motionConfig ? new MotionTracker(this.#motionConfig) : undefined;
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
      analyzed: this.#analyzed,
      motionMs: this.#motionMs,
      videoEncoders: this.#video.stats(),
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
      // The thrown error keeps a file's full path, and loses every secret.
      const redact = (message: string): string => redactSecrets(message, knownSecrets(this.#spec));
      const serialized = typed.toJSON();
      return { ...serialized, message: redact(serialized.message), cause: redactCause(serialized.cause, redact) };
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    try {
      while (!signal.aborted) {
        const settings = this.#ctx.settings();
        const wanted = this.#demand.length > 0 || this.#tracker !== undefined;
        if (settings.paused || !wanted) {
          this.#meter.reset();
          this.#endMotion();
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
          this.#endMotion();
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
            this.#detectMotion(source, image, capturedAt, settings.quality),
          ]);
        } catch (error) {
          this.#fail(asCameraError(error, this.id, CannotReadCamera));
        } finally {
          image.release();
        }
      }
    } finally {
      this.#endMotion();
      if (this.#source) this.#closeSource(this.#source);
      await this.#video.close();
    }
  }

  /** Runs motion detection on a frame, and reports events as they start and end. */
  async #detectMotion(source: OpenedSource, image: CapturedImage, at: number, quality: number): Promise<void> {
    const tracker = this.#tracker;
    const config = this.#motionConfig;
    if (!tracker || !config) return;
    // Thin analysis to detectFps; a little slack so 30 fps thinned to 10 keeps every third frame.
    const interval = 1000 / config.detectFps;
    if (at - this.#lastAnalyzedAt < interval * 0.8) return;
    this.#lastAnalyzedAt = at;
    this.#analyzer ??= config.engine !== 'pure' && source.createMotionAnalyzer
      ? source.createMotionAnalyzer(config)
      : new PureMotionAnalyzer(config);
    const started = performance.now();
    const sample = await this.#analyzer.analyze(image);
    this.#motionMs += performance.now() - started;
    this.#analyzed++;
    const step = tracker.update(sample, at);
    if ((step.kind === 'start' || step.kind === 'continue') && step.snapshot) {
      const size = scaledSize(image.width, image.height, SNAPSHOT_WIDTH);
      step.event.snapshot = { data: await image.encode({ quality, ...size }), ...size };
    }
    this.#postMotion(step);
  }

  #endMotion(): void {
    if (this.#tracker) this.#postMotion(this.#tracker.end());
  }

  #postMotion(step: TrackerStep): void {
    if (step.kind !== 'start' && step.kind !== 'end') return;
    const event: TrackedEvent = step.event;
    const snapshot = event.snapshot ? transferableCopy(event.snapshot.data) : undefined;
    this.#ctx.post(
      {
        type: 'motion',
        session: this.#ctx.session,
        cameraId: this.id,
        phase: step.kind,
        startedAt: event.startedAt,
        endedAt: step.kind === 'end' ? event.lastMotionAt : undefined,
        peakScore: event.peakScore,
        boxes: [...event.peakBoxes],
        snapshot,
        snapshotWidth: event.snapshot?.width,
        snapshotHeight: event.snapshot?.height,
      },
      snapshot ? [snapshot] : [],
    );
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
    for (const variant of this.#demand) {
      if (!this.#isDue(variant, capturedAt)) continue;
      if (variant.codec === 'h264') {
        video.push(variant);
        continue;
      }
      const size = scaledSize(image.width, image.height, variant.maxWidth);
      const group = groups.get(size.width);
      if (group) group.keys.push(variant.key);
      else groups.set(size.width, { ...size, keys: [variant.key] });
    }
    const measured = this.#meter.rate();
    const seq = this.#seq;
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
