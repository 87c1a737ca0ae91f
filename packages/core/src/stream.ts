/**
 * `ServerVideoStream`: one capture shared by every viewer. The port of Panel's
 * tutorial class, with many cameras, variants and conflating consumers.
 * @module
 */
import { type CameraConfig, type CameraErrorInfo, type CameraInfo, type CameraStatus, validateCameras } from './camera.ts';
import { LatestValueIterator, conflating } from './conflate.ts';
import { Emitter } from './emitter.ts';
import { CannotReadCamera, ErrorCode, reviveError } from './errors.ts';
import { type Frame, FULL_VARIANT, normalizeVariant, type VariantSpec } from './frame.ts';
import {
  applySettings,
  DEFAULT_FPS,
  DEFAULT_QUALITY,
  sameSettings,
  type StreamSettings,
  type StreamSettingsPatch,
} from './settings.ts';
import { redactSecrets } from './redact.ts';
import { parseSource } from './source.ts';
import type { CaptureHost, SessionMessage } from './host/capture-host.ts';
import type { MotionEvent } from './motion.ts';
import { ChildProcessHost, type ProcessSupervision } from './host/process-host.ts';
import { WorkerThreadHost } from './host/worker-host.ts';
import type { CameraStats, CaptureTuning, VariantDemand } from './protocol.ts';
import { checkMaxVariants, DEFAULT_MAX_VARIANTS, planVariants } from './variants.ts';

export interface ServerVideoStreamOptions extends StreamSettingsPatch {
  /** The cameras, configured in code; sources never come from clients. */
  readonly cameras: readonly CameraConfig[];
  /** Tuning of the capture loop; the defaults suit real cameras. */
  readonly tuning?: Partial<CaptureTuning> | undefined;
  /**
   * Where capture runs. `worker` (default): a worker thread of this process.
   * `process`: a supervised child process, restarted when it crashes (a native
   * abort in OpenCV, say) or stops answering; the API side never goes down.
   */
  readonly isolation?: 'worker' | 'process' | undefined;
  /** Restart and heartbeat timing for `isolation: 'process'`. */
  readonly supervision?: Partial<ProcessSupervision> | undefined;
  /**
   * Distinct widths encoded per camera, full size included (default 4). A
   * consumer past the cap shares the nearest width already encoded
   * (variants.ts), so no client can multiply the encodes.
   */
  readonly maxVariantsPerCamera?: number | undefined;
}

/** Which frames a consumer wants. */
export interface FrameRequest extends VariantSpec {
  /** A camera id; when omitted, the active camera, following it as it changes. */
  readonly cameraId?: string | undefined;
  /**
   * A background consumer (a recorder, say) receives frames like any other,
   * but is not counted among the camera's viewers (`CameraInfo.consumers`).
   */
  readonly background?: boolean | undefined;
}

export interface FramesOptions extends FrameRequest {
  /** Ends the iteration. */
  readonly signal?: AbortSignal | undefined;
}

export interface StreamEvents extends Record<string, unknown> {
  /** The shared settings changed (any field). */
  settings: StreamSettings;
  /** A camera's status, error, size, consumer count or motion changed, or its measured fps moved (at most once a second). */
  status: CameraInfo;
  /** A new `value`: a full-size frame of the active camera. */
  value: Frame;
  /** A motion event started or ended (cameras with detection). */
  motion: MotionEvent;
}

export const DEFAULT_TUNING: CaptureTuning = { readTimeoutMs: 5000, openTimeoutMs: 5000, reconnectMinMs: 500, reconnectMaxMs: 10_000 };

interface CameraState {
  readonly config: CameraConfig;
  readonly label: string;
  readonly usesOpenCv: boolean;
  status: CameraStatus;
  error: CameraErrorInfo | undefined;
  width: number | undefined;
  height: number | undefined;
  fps: number;
  latest: Frame | undefined;
  demandKeys: string;
  /** The consumers of each variant key this camera encodes (variants.ts). */
  routes: ReadonlyMap<string, readonly Consumer[]>;
  motion: boolean;
  /** The highest seq seen, handed to a restarted capture side. */
  lastSeq: number;
  /** The measured rate last reported in a `status` event, and when. */
  reportedFps: number;
  reportedAt: number;
}

/** A camera's demand as one comparable string. */
function demandKeys(variants: readonly VariantDemand[]): string {
  return variants.map((variant) => variant.key).join(',');
}

interface Consumer {
  readonly cameraId: string | undefined;
  /** The request, `maxWidth` snapped; the variant it gets is planned per camera. */
  readonly spec: VariantSpec;
  readonly background: boolean;
  push(frame: Frame): void;
  /** Ends the consumer from the stream's side (on close). */
  end(): void;
}

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
  readonly #events = new Emitter<StreamEvents>();
  readonly #consumers = new Set<Consumer>();
  #settings: StreamSettings;
  #host: CaptureHost | undefined;
  readonly #isolation: 'worker' | 'process';
  readonly #supervision: Partial<ProcessSupervision> | undefined;
  readonly #maxVariants: number;
  #session = 0;
  #starting: Promise<void> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ServerVideoStreamOptions) {
    validateCameras(options.cameras);
    this.#maxVariants = checkMaxVariants(options.maxVariantsPerCamera ?? DEFAULT_MAX_VARIANTS);
    for (const config of options.cameras) {
      const spec = parseSource(config.source);
      this.#cameras.set(config.id, {
        config,
        label: config.label ?? config.id,
        usesOpenCv: spec.backend === 'opencv',
        status: 'idle',
        error: undefined,
        width: spec.kind === 'synthetic' ? spec.width : undefined,
        height: spec.kind === 'synthetic' ? spec.height : undefined,
        fps: 0,
        latest: undefined,
        demandKeys: '',
        routes: new Map(),
        motion: false,
        lastSeq: 0,
        reportedFps: 0,
        reportedAt: 0,
      });
    }
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

  /** The latest full-size frame of the active camera; `undefined` before the first one. */
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
    this.#events.emit('settings', next);
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

  /** The latest full-size frame of a camera; `undefined` before its first one. */
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
    const iterator = new LatestValueIterator<Frame>(() => this.#removeConsumer(consumer), options.signal);
    const consumer = this.#addConsumer(options, (frame) => iterator.push(frame), () => iterator.close());
    if (this.#closed) iterator.close();
    return iterator;
  }

  /**
   * Calls `listener` with each frame. If it returns a promise, frames that
   * arrive meanwhile are conflated to the newest. Returns the unsubscribe.
   */
  subscribe(request: FrameRequest, listener: (frame: Frame) => void | Promise<void>): () => void {
    const delivery = conflating(listener, (error) => queueMicrotask(() => { throw error; }));
    const consumer = this.#addConsumer(request, (frame) => delivery.push(frame), () => {});
    return () => this.#removeConsumer(consumer);
  }

  /** Listens to `settings`, `status` or `value`; returns the unsubscribe. */
  on<K extends keyof StreamEvents>(event: K, listener: (value: StreamEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
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
    for (const consumer of [...this.#consumers]) {
      this.#removeConsumer(consumer);
      consumer.end();
    }
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
    this.#events.clear();
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

  #addConsumer(request: FrameRequest, push: (frame: Frame) => void, end: () => void): Consumer {
    if (request.cameraId !== undefined && !this.#cameras.has(request.cameraId)) {
      throw new TypeError(`Unknown camera "${request.cameraId}"`);
    }
    const consumer: Consumer = {
      cameraId: request.cameraId,
      spec: normalizeVariant(request),
      background: request.background === true,
      push,
      end,
    };
    if (this.#closed) return consumer;
    this.#consumers.add(consumer);
    this.#syncDemand();
    this.#emitStatus(consumer.cameraId ?? this.#settings.activeCameraId);
    return consumer;
  }

  #removeConsumer(consumer: Consumer): void {
    if (!this.#consumers.delete(consumer)) return;
    this.#syncDemand();
    if (!this.#closed) this.#emitStatus(consumer.cameraId ?? this.#settings.activeCameraId);
  }

  #consumersOf(cameraId: string): Consumer[] {
    const active = cameraId === this.#settings.activeCameraId;
    return [...this.#consumers].filter((c) => c.cameraId === cameraId || (active && c.cameraId === undefined));
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
    const camera = this.#cameras.get(id)!;
    const plan = planVariants(this.#consumersOf(id), {
      full: id === this.#settings.activeCameraId,
      sourceWidth: camera.width,
      maxVariants: this.#maxVariants,
    });
    camera.routes = plan.routes;
    return plan.demand;
  }

  #onWorkerMessage(message: SessionMessage): void {
    const camera = this.#cameras.get(message.cameraId);
    if (!camera || this.#closed) return;
    if (message.type === 'motion') {
      camera.motion = message.phase === 'start';
      this.#events.emit('motion', {
        id: `${message.cameraId}-${Math.round(message.startedAt)}`,
        cameraId: message.cameraId,
        phase: message.phase,
        startedAt: message.startedAt,
        endedAt: message.endedAt,
        peakScore: message.peakScore,
        boxes: message.boxes,
        snapshot: message.snapshot ? new Uint8Array(message.snapshot) : undefined,
        snapshotWidth: message.snapshotWidth,
        snapshotHeight: message.snapshotHeight,
      });
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
    const data = new Uint8Array(message.data);
    const isActive = message.cameraId === this.#settings.activeCameraId;
    for (const key of message.variants) {
      const frame: Frame = Object.freeze({
        cameraId: message.cameraId,
        seq: message.seq,
        capturedAt: message.capturedAt,
        width: message.width,
        height: message.height,
        mimeType: 'image/jpeg',
        data,
        variant: key,
      });
      if (key === FULL_VARIANT) {
        const width = camera.width;
        camera.latest = frame;
        camera.width = frame.width;
        camera.height = frame.height;
        if (frame.width !== width) this.#syncDemand();
        if (isActive) this.#events.emit('value', frame);
      }
      for (const consumer of camera.routes.get(key) ?? []) if (this.#consumers.has(consumer)) consumer.push(frame);
    }
  }

  #onWorkerLost(error: Error): void {
    const lost = new CannotReadCamera(redactSecrets(`Capture stopped: ${error.message}`), { cause: error });
    for (const [id, camera] of this.#cameras) {
      camera.status = 'error';
      camera.motion = false;
      camera.error = { code: ErrorCode.CannotReadCamera, message: lost.message, at: Date.now() };
      camera.fps = 0;
      this.#emitStatus(id);
    }
  }

  #emitStatus(cameraId: string): void {
    const camera = this.#cameras.get(cameraId);
    if (camera) {
      camera.reportedFps = camera.fps;
      camera.reportedAt = Date.now();
    }
    this.#events.emit('status', this.#info(cameraId));
  }

  /** A `status` event for a measured rate that moved (by 10% or 0.5 fps), at most once a second per camera. */
  #maybeEmitFps(cameraId: string, camera: CameraState): void {
    const moved = Math.abs(camera.fps - camera.reportedFps) > Math.max(0.5, camera.reportedFps * 0.1);
    if (moved && Date.now() - camera.reportedAt >= 1000) this.#emitStatus(cameraId);
  }

  #info(id: string): CameraInfo {
    const camera = this.#cameras.get(id)!;
    return {
      id,
      label: camera.label,
      status: camera.status,
      error: camera.error,
      width: camera.width,
      height: camera.height,
      measuredFps: camera.status === 'live' ? camera.fps : 0,
      consumers: this.#consumersOf(id).filter((consumer) => !consumer.background).length,
      motion: camera.motion,
    };
  }
}

