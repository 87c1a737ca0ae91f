/**
 * `ServerVideoStream`: one capture shared by every viewer. The port of Panel's
 * tutorial class, with many cameras, variants and conflating consumers.
 * @module
 */
import { type CameraInfo, validateCameras } from './camera.ts';
import { cameraInfo, type CameraState, demandKeys, framesOf, motionEventOf, newCameraState } from './camera-state.ts';
import type { LatestValueIterator } from './conflate.ts';
import { type ConsumerHost, ConsumerRegistry, type FrameRequest, type FramesOptions } from './consumers.ts';
import { CannotReadCamera, ErrorCode, reviveError, type ServercamError } from './errors.ts';
import { type Frame, FULL_VARIANT } from './frame.ts';
import {
  applySettings,
  DEFAULT_FPS,
  DEFAULT_QUALITY,
  sameSettings,
  type StreamSettings,
  type StreamSettingsPatch,
} from './settings.ts';
import { redactSecrets } from './redact.ts';
import type { CaptureHost, SessionMessage } from './host/capture-host.ts';
import { ChildProcessHost, type ProcessSupervision } from './host/process-host.ts';
import { DEFAULT_TUNING, type ServerVideoStreamOptions, type StreamEvents } from './stream-options.ts';
import { WorkerThreadHost } from './host/worker-host.ts';
import type { CameraStats, CaptureTuning, VariantDemand } from './protocol.ts';
import { checkMaxVariants, DEFAULT_MAX_VARIANTS } from './variants.ts';
import { checkGopBytes, DEFAULT_MAX_VIDEO_VARIANTS, DEFAULT_VIDEO_GOP_BYTES, type VideoChunk, type VideoOptions, type VideoRequest } from './video.ts';
import { VideoConsumers } from './video-consumers.ts';
import { videoChunkOf } from './video-chunk.ts';

/**
 * Captures server-attached cameras in a worker thread and shares every frame
 * with all consumers. Settings are shared too: a change by one viewer is seen
 * by all (listen to the `settings` event).
 *
 * @example
 * ```ts
 * await using stream = new ServerVideoStream({ cameras: [{ id: 'cam', source: 'synthetic' }] });
 * await stream.start();
 * for await (const frame of stream.frames({ maxWidth: 640 })) console.log(frame.seq, frame.data.length);
 * ```
 */
export class ServerVideoStream implements AsyncDisposable {
  readonly #cameras = new Map<string, CameraState>();
  readonly #cameraIds: ReadonlySet<string>;
  readonly #tuning: CaptureTuning;
  readonly #consumers: ConsumerRegistry<StreamEvents>;
  readonly #video: VideoConsumers;
  #settings: StreamSettings;
  #host: CaptureHost | undefined;
  readonly #isolation: 'worker' | 'process';
  readonly #supervision: Partial<ProcessSupervision> | undefined;
  #session = 0;
  #starting: Promise<void> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ServerVideoStreamOptions) {
    validateCameras(options.cameras);
    // JPEG and video consumers alike: plan again, and report the camera.
    const host: ConsumerHost = {
      hasCamera: (id) => this.#cameras.has(id),
      activeCameraId: () => this.#settings.activeCameraId,
      consumersChanged: (cameraId) => {
        this.#syncDemand();
        if (!this.#closed) this.#emitStatus(cameraId);
      },
      // The original's watchers of `value` see every frame: a listener takes the full size like a consumer.
      valueListenersChanged: () => {
        if (!this.#closed) this.#syncDemand();
      },
    };
    this.#consumers = new ConsumerRegistry<StreamEvents>(host, {
      maxVariants: checkMaxVariants(options.maxVariantsPerCamera ?? DEFAULT_MAX_VARIANTS),
      valueFps: options.valueFps,
    });
    this.#video = new VideoConsumers(host, {
      maxVariants: checkMaxVariants(options.maxVideoVariantsPerCamera ?? DEFAULT_MAX_VIDEO_VARIANTS),
      maxGopBytes: checkGopBytes(options.videoGopBytes ?? DEFAULT_VIDEO_GOP_BYTES),
    });
    for (const config of options.cameras) this.#cameras.set(config.id, newCameraState(config));
    this.#cameraIds = new Set(this.#cameras.keys());
    this.#settings = applySettings(
      { paused: false, fps: DEFAULT_FPS, quality: DEFAULT_QUALITY, activeCameraId: options.cameras[0]!.id },
      options,
      this.#cameraIds,
    );
    this.#tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.#isolation = options.isolation ?? 'worker';
    this.#supervision = options.supervision;
  }

  /** The id of the capture child process (`isolation: 'process'`), while it runs. */
  get capturePid(): number | undefined {
    return this.#host?.pid;
  }

  // ---- the original's parameters -------------------------------------------------------

  /**
   * The latest full-size frame of the active camera; `undefined` before the
   * first one. Every frame captured, unless `valueFps` thins it while nothing
   * else takes the full size at the full rate (then see its `capturedAt`; when
   * paused, it may be up to 1/valueFps s older than the last frame captured).
   */
  get value(): Frame | undefined {
    return this.#cameras.get(this.#settings.activeCameraId)?.latest;
  }

  get paused(): boolean {
    return this.#settings.paused;
  }
  set paused(paused: boolean) {
    this.update({ paused });
  }

  get fps(): number {
    return this.#settings.fps;
  }
  set fps(fps: number) {
    this.update({ fps });
  }

  get quality(): number {
    return this.#settings.quality;
  }
  set quality(quality: number) {
    this.update({ quality });
  }

  get activeCameraId(): string {
    return this.#settings.activeCameraId;
  }
  set activeCameraId(activeCameraId: string) {
    this.update({ activeCameraId });
  }

  /** The shared settings, frozen. */
  get settings(): StreamSettings {
    return this.#settings;
  }

  /**
   * Changes settings, validated as a whole: on any invalid field nothing
   * changes. Takes effect from the next frame.
   * @throws {InvalidSettings}
   */
  update(patch: StreamSettingsPatch): StreamSettings {
    const next = applySettings(this.#settings, patch, this.#cameraIds);
    if (sameSettings(next, this.#settings)) return this.#settings;
    const activeChanged = next.activeCameraId !== this.#settings.activeCameraId;
    this.#settings = next;
    this.#post({ type: 'session.settings', session: this.#session, settings: next });
    if (activeChanged) this.#syncDemand();
    this.#consumers.emit('settings', next);
    return next;
  }

  // ---- cameras ---------------------------------------------------------------------------

  /** Every configured camera with its current status. */
  get cameras(): CameraInfo[] {
    return [...this.#cameras.keys()].map((id) => this.#info(id));
  }

  camera(id: string): CameraInfo | undefined {
    return this.#cameras.has(id) ? this.#info(id) : undefined;
  }

  /** The latest full-size frame of a camera; `undefined` before its first one (see `value` for `valueFps`). */
  latest(cameraId: string = this.#settings.activeCameraId): Frame | undefined {
    return this.#cameras.get(cameraId)?.latest;
  }

  /**
   * Starts capture and opens `cameraIds` ahead of use (the original's
   * `start(camera_indices)`); opened cameras are cached. Cameras that fail keep
   * retrying in the background.
   * @throws {CannotOpenCamera | BackendUnavailable} for a camera that could not be opened (an AggregateError for several).
   */
  async start(cameraIds: readonly string[] = []): Promise<void> {
    if (this.#closed) throw new Error('This ServerVideoStream is closed');
    for (const id of cameraIds) if (!this.#cameras.has(id)) throw new TypeError(`Unknown camera "${id}"`);
    this.#starting ??= this.#attach();
    await this.#starting;
    if (cameraIds.length === 0) return;
    const reply = await this.#host!.request({ type: 'session.preopen', session: this.#session, cameraIds: [...cameraIds] });
    const errors = (reply.errors ?? []).map((error) => reviveError({ ...error, message: redactSecrets(error.message) }));
    if (errors.length === 1) throw errors[0]!;
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cameras could not be opened`);
  }

  // ---- consumers -------------------------------------------------------------------------

  /**
   * Frames as an async iterator. A slow reader gets the newest frame, never a
   * backlog. Ends on `signal`, `return()` or `close()`.
   */
  frames(options: FramesOptions = {}): LatestValueIterator<Frame> {
    return this.#consumers.frames(options);
  }

  /**
   * Calls `listener` with each frame. If it returns a promise, frames that
   * arrive meanwhile are conflated to the newest. Returns the unsubscribe.
   */
  subscribe(request: FrameRequest, listener: (frame: Frame) => void | Promise<void>): () => void {
    return this.#consumers.subscribe(request, listener);
  }

  /**
   * H.264 video as an async iterator: one access unit per chunk, encoded once
   * per video variant for every consumer. It starts at the variant's last
   * keyframe (with its description); a reader that falls behind skips to the
   * next keyframe (counted in `dropped`), never a backlog. Without `cameraId`
   * it follows the active camera, starting again at the new camera's keyframe.
   * Throws `VideoEncoderUnavailable` / `VideoEncoderFailed` when the encoder
   * cannot run; JPEG consumers are not affected. Ends on `signal`, `return()` or `close()`.
   */
  video(options: VideoOptions = {}): AsyncIterableIterator<VideoChunk> & { readonly dropped: number } {
    return this.#video.video(options);
  }

  /**
   * Calls `listener` with each video chunk (from the variant's last keyframe);
   * `onError` with the encoder's typed error, which ends the subscription.
   * Returns the unsubscribe.
   */
  subscribeVideo(request: VideoRequest, listener: (chunk: VideoChunk) => void, onError?: (error: ServercamError) => void): () => void {
    return this.#video.subscribe(request, listener, onError);
  }

  /** Listens to `settings`, `status`, `value` or `motion`; returns the unsubscribe. A listener that throws stops nothing. */
  on<K extends keyof StreamEvents>(event: K, listener: (value: StreamEvents[K]) => void): () => void {
    return this.#consumers.on(event, listener);
  }

  /** Capture and encode counters per camera, from the worker. */
  async stats(): Promise<CameraStats[]> {
    if (!this.#host || this.#closed) return [];
    const reply = await this.#host.request({ type: 'session.stats', session: this.#session });
    return reply.stats ?? [];
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Ends every consumer, releases every camera and ends the worker when nothing else uses it. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#consumers.close();
    this.#video.close();
    try {
      await this.#starting;
    } catch {
      // A failed start leaves nothing more to close than the session below.
    }
    const host = this.#host;
    if (host) {
      try {
        await host.request({ type: 'session.close', session: this.#session }, 10_000);
      } finally {
        await host.detach(this.#session);
        this.#host = undefined;
      }
    }
    this.#consumers.clearListeners();
  }

  async #attach(): Promise<void> {
    const host = this.#isolation === 'process' ? new ChildProcessHost(this.#supervision) : WorkerThreadHost.shared();
    const usesOpenCv = [...this.#cameras.values()].some((camera) => camera.usesOpenCv);
    this.#session = host.attach(
      {
        onMessage: (message) => this.#onWorkerMessage(message),
        onWorkerLost: (error) => this.#onWorkerLost(error),
        onRestart: () => this.#openSession(),
      },
      usesOpenCv,
    );
    this.#host = host;
    this.#openSession();
  }

  /** Opens this stream's session on the capture side: cameras, settings, then demand. */
  #openSession(): void {
    const host = this.#host;
    if (!host || this.#closed) return;
    const demand = Object.fromEntries([...this.#cameras.keys()].map((id) => [id, this.#plan(id)]));
    host.post({
      type: 'session.open',
      session: this.#session,
      cameras: [...this.#cameras.values()].map(({ config }) => ({ ...config })),
      settings: this.#settings,
      tuning: this.#tuning,
      seqs: Object.fromEntries([...this.#cameras].map(([id, camera]) => [id, camera.lastSeq])),
      // The demand goes with the cameras, so a (re)started capture side starts the right loops at once.
      demand,
    });
    for (const [id, camera] of this.#cameras) camera.demandKeys = demandKeys(demand[id]!);
  }

  #post(message: Parameters<CaptureHost['post']>[0]): void {
    if (this.#host && !this.#closed) this.#host.post(message);
  }

  /** Tells the worker which variants each camera must produce; the active camera always makes `full`. */
  #syncDemand(): void {
    for (const [id, camera] of this.#cameras) {
      const variants = this.#plan(id);
      const keys = demandKeys(variants);
      if (keys === camera.demandKeys) continue;
      camera.demandKeys = keys;
      this.#post({ type: 'session.demand', session: this.#session, cameraId: id, variants });
    }
  }

  /**
   * Plans one camera's variants (at most `maxVariantsPerCamera` widths, see
   * variants.ts), keeps which consumers each one feeds, and returns what the
   * capture side must encode, sorted by key.
   */
  #plan(id: string): VariantDemand[] {
    const sourceWidth = this.#cameras.get(id)!.width;
    return [...this.#consumers.plan(id, { full: id === this.#settings.activeCameraId, sourceWidth }), ...this.#video.plan(id, sourceWidth)];
  }

  #onWorkerMessage(message: SessionMessage): void {
    const camera = this.#cameras.get(message.cameraId);
    if (!camera || this.#closed) return;
    if (message.type === 'video') {
      camera.lastSeq = Math.max(camera.lastSeq, message.seq);
      this.#video.deliver(videoChunkOf(message));
      return;
    }
    if (message.type === 'video.error') {
      this.#video.fail(message.cameraId, message.variant, reviveError({ ...message.error, message: redactSecrets(message.error.message) }));
      return;
    }
    if (message.type === 'motion') {
      camera.motion = message.phase === 'start';
      this.#consumers.emit('motion', motionEventOf(message));
      this.#emitStatus(message.cameraId);
      return;
    }
    if (message.type === 'status') {
      const width = camera.width;
      camera.status = message.status;
      // The capture side redacts its messages already; this is the last guard before anyone sees them.
      camera.error = message.error && { ...message.error, message: redactSecrets(message.error.message) };
      camera.width = message.width ?? camera.width;
      camera.height = message.height ?? camera.height;
      camera.fps = message.fps;
      // Widths at least the camera's are its full size: plan again once it is known.
      if (camera.width !== width) this.#syncDemand();
      this.#emitStatus(message.cameraId);
      return;
    }
    camera.fps = message.fps;
    camera.lastSeq = Math.max(camera.lastSeq, message.seq);
    this.#maybeEmitFps(message.cameraId, camera);
    const isActive = message.cameraId === this.#settings.activeCameraId;
    for (const frame of framesOf(message)) {
      if (frame.variant === FULL_VARIANT) {
        const width = camera.width;
        camera.latest = frame;
        camera.width = frame.width;
        camera.height = frame.height;
        if (frame.width !== width) this.#syncDemand();
        if (isActive) this.#consumers.emit('value', frame);
      }
      this.#consumers.deliver(frame);
    }
  }

  #onWorkerLost(error: Error): void {
    const lost = new CannotReadCamera(redactSecrets(`Capture stopped: ${error.message}`), { cause: error });
    for (const [id, camera] of this.#cameras) {
      camera.status = 'error';
      camera.motion = false;
      camera.error = { code: ErrorCode.CannotReadCamera, message: lost.message, at: Date.now() };
      camera.fps = 0;
      this.#video.resetCamera(id);
      this.#emitStatus(id);
    }
  }

  #emitStatus(cameraId: string): void {
    const camera = this.#cameras.get(cameraId);
    if (camera) {
      camera.reportedFps = camera.fps;
      camera.reportedAt = Date.now();
    }
    this.#consumers.emit('status', this.#info(cameraId));
  }

  /** A `status` event for a measured rate that moved (by 10% or 0.5 fps), at most once a second per camera. */
  #maybeEmitFps(cameraId: string, camera: CameraState): void {
    const moved = Math.abs(camera.fps - camera.reportedFps) > Math.max(0.5, camera.reportedFps * 0.1);
    if (moved && Date.now() - camera.reportedAt >= 1000) this.#emitStatus(cameraId);
  }

  #info(id: string): CameraInfo {
    return cameraInfo(id, this.#cameras.get(id)!, this.#consumers.viewers(id) + this.#video.viewers(id));
  }
}
