/**
 * The frame bus: what the server (app, cameras, resolvers, transports, routes,
 * events) uses of the capture. It is the structural subset of the core's
 * `ServerVideoStream` the server needs, so the in-process bus is the
 * `ServerVideoStream` itself (bus/in-process.ts), and a gateway's bus is a
 * `RedisFrameBus` (bus/redis-gateway.ts) fed by a capture node over Redis.
 *
 * The one difference a caller may meet: `update` may answer asynchronously
 * (the capture node applies it), so callers `await` it.
 * @module
 */
import type {
  CameraInfo,
  CameraStats,
  Frame,
  FrameRequest,
  FramesOptions,
  LatestValueIterator,
  StreamEvents,
  StreamSettings,
  StreamSettingsPatch,
} from '@servercam/core';
import type { VideoChunk, VideoRequest } from '@servercam/core';
import type { BadMessageStats } from './bad-messages.ts';

export interface FrameBus extends AsyncDisposable {
  /** Every camera with its current status. */
  readonly cameras: CameraInfo[];
  camera(id: string): CameraInfo | undefined;
  /** The shared settings. */
  readonly settings: StreamSettings;
  readonly activeCameraId: string;
  readonly paused: boolean;
  readonly fps: number;
  /**
   * Changes the shared settings, validated as a whole (nothing changes on an invalid field).
   * @throws {InvalidSettings} (or rejects with it); {@link BusUnavailable} when the capture cannot be reached.
   */
  update(patch: StreamSettingsPatch): StreamSettings | Promise<StreamSettings>;
  /** The latest full-size frame of a camera (default: the active one). */
  latest(cameraId?: string): Frame | undefined;
  /**
   * How long ago this process got a camera's latest full-size frame, in ms of
   * its own monotonic clock: a bus fed from another host (a gateway) has it,
   * since the frame's `capturedAt` is that host's clock. Without it, the age is
   * `capturedAt` against this process's clock (the capture shares it).
   */
  latestAgeMs?(cameraId: string): number | undefined;
  /** Frames as a conflating iterator: a slow reader gets the newest frame. */
  frames(options?: FramesOptions): LatestValueIterator<Frame>;
  /** Calls `listener` with each frame (conflated while a returned promise is pending); returns the unsubscribe. */
  subscribe(request: FrameRequest, listener: (frame: Frame) => void | Promise<void>): () => void;
  /**
   * H.264 chunks of a camera's variant (one encode per variant, shared): a new
   * reader starts at the current GOP's keyframe, a slow one skips to the next
   * keyframe (counted in `dropped`). It throws the core's typed error when the
   * video fails (the encoder missing or crashing). Ends when `signal` aborts.
   * @throws {TypeError | RangeError} for a bad request.
   */
  video(options?: VideoRequest & { signal?: AbortSignal | undefined }): AsyncIterableIterator<VideoChunk> & { readonly dropped: number };
  /** Calls `listener` with each chunk of a variant (from the current GOP's keyframe); returns the unsubscribe. */
  subscribeVideo(request: VideoRequest, listener: (chunk: VideoChunk) => void): () => void;
  /** `settings`, `status`, `value` or `motion`; returns the unsubscribe. */
  on<K extends keyof StreamEvents>(event: K, listener: (value: StreamEvents[K]) => void): () => void;
  /** Starts (idempotent); opens `cameraIds` ahead of use where the bus owns the cameras. */
  start(cameraIds?: readonly string[]): Promise<void>;
  /** Capture and encode counters per camera (empty where the capture is elsewhere). */
  stats(): Promise<CameraStats[]>;
  close(): Promise<void>;
  /** The capture child's process id (`isolation: 'process'`), where the capture is in this host. */
  readonly capturePid?: number | undefined;
  /** How the bus is connected, for `/healthz` (absent: in process, nothing to report). */
  health?(): BusHealth;
}

/** A bus's connection, as `/healthz` shows it. */
export interface BusHealth {
  readonly kind: 'in-process' | 'redis';
  /** Redis: the connection's state (`ready`, `connecting`, `reconnecting`, `end`...). */
  readonly redis?: { readonly url: string; readonly status: string; readonly connected: boolean } | undefined;
  /** A gateway: whether the capture node is heard, and since when. */
  readonly captureNode?: { readonly id: string | undefined; readonly reachable: boolean; readonly lastSeenAt: string | undefined } | undefined;
  /** A capture node: the gateways whose frame demand is current. */
  readonly gateways?: number | undefined;
  /** Redis: the bad messages dropped since the start, in all and per kind (bus/bad-messages.ts). */
  readonly badMessages?: BadMessageStats | undefined;
}

/** The capture cannot be reached (a gateway whose capture node or Redis is down). `code`: `CAPTURE_UNAVAILABLE`. */
export class BusUnavailable extends Error {
  readonly code = 'CAPTURE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusUnavailable';
  }
}
