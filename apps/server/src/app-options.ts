/**
 * What a `ServercamApp` (app.ts) is made from: its options, and their defaults
 * (the synthetic camera, the repository's UI build).
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { CameraConfig, CaptureTuning, ProcessSupervision, ServerVideoStreamOptions } from '@servercam/core';
import type { FrameBus } from './bus/bus.ts';
import type { EventsOptions } from './events/service.ts';
import type { Logger } from './logger.ts';
import type { AuthTokens } from './security/index.ts';
import type { Limits } from './security/limits.ts';
import type { SessionRevocations } from './security/sessions.ts';

/** The camera served when none is configured. */
export const DEFAULT_CAMERAS: readonly CameraConfig[] = [{ id: 'synthetic', label: 'Synthetic test pattern', source: 'synthetic' }];

/** The web UI's build in this repository (apps/web/build), the default UI directory. */
export const REPO_UI_DIR = fileURLToPath(new URL('../../web/build/', import.meta.url));

export interface AppOptions {
  /** The cameras; the first is active at start. Default: one synthetic camera. */
  readonly cameras?: readonly CameraConfig[] | undefined;
  readonly fps?: number | undefined;
  readonly quality?: number | undefined;
  readonly paused?: boolean | undefined;
  /**
   * The UI's static files. Default: the repository's apps/web/build when it
   * holds a build. `false`: no UI, `/` shows the links page.
   */
  readonly uiDir?: string | false | undefined;
  readonly logger?: Logger | undefined;
  /** Tuning of the capture loop (tests shorten the reconnect backoff). */
  readonly tuning?: Partial<CaptureTuning> | undefined;
  /**
   * Keep one H.264 encoder started ahead on the active camera (config
   * `videoStandby`, default true): the core's `tuning.videoStandby`, which it overrides.
   */
  readonly videoStandby?: boolean | undefined;
  /** How long a snapshot waits for the first frame of a camera that is not capturing yet (ms, default 2000). */
  readonly snapshotWaitMs?: number | undefined;
  /**
   * Origins (`http://host:port`) of other sites whose pages may use the API,
   * over HTTP (CORS) and WebSocket, e.g. a UI dev server. Pages served by
   * servercam itself always may; clients that send no Origin (curl, VLC) too.
   */
  readonly allowedOrigins?: readonly string[] | undefined;
  /** Host names and addresses (`cams.example.org`, `.example.org`, `192.0.2.7`) served besides loopback and the bound address (security/host.ts). */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Reverse proxies' addresses and CIDR blocks: only from these is X-Forwarded-For believed (security/proxies.ts). */
  readonly trustedProxies?: readonly string[] | undefined;
  /** Tokens; either one turns auth on (docs/security.md). Default: none, auth off. */
  readonly auth?: AuthTokens | undefined;
  /** Abuse limits; each omitted one keeps its default (security/limits.ts). */
  readonly limits?: Partial<Limits> | undefined;
  /** Where capture runs: `process` (a supervised child, restarted after a crash) or `worker` (default here; `serve` uses `process`). */
  readonly isolation?: 'worker' | 'process' | undefined;
  readonly supervision?: Partial<ProcessSupervision> | undefined;
  /** A JSON file that keeps the settings changed through `updateStream` across restarts. Default: none. */
  readonly stateFile?: string | undefined;
  /**
   * The data directory: `servercam.db` (access tokens, share links) and, when a camera has `motion`, the
   * events. Without it the tokens and links are kept in memory and events in ./servercam-data
   * (`servercam serve` always gives one: default ./servercam-data).
   */
  readonly dataDir?: string | undefined;
  /** Retention and recording of motion events. */
  readonly events?: EventsOptions | undefined;
  /** Days the audit trail keeps its rows (default 90; 0: until its row cap). */
  readonly auditRetentionDays?: number | undefined;
  /** The Bearer token of `GET /metrics`; without one, /metrics answers loopback callers only. */
  readonly metricsToken?: string | undefined;
  /**
   * Where frames, status and settings come from. Default: cameras captured in this
   * process (`cameras`, `fps`...). A gateway passes a Redis bus (bus/redis-gateway.ts).
   */
  readonly bus?: FrameBus | undefined;
  /**
   * Shares sign-outs with the other servers of a deployment (a gateway: through
   * Redis, bus/redis-sessions.ts). Called once with this server's revocations;
   * what it returns is closed with the app.
   */
  readonly sessionSync?: ((revocations: SessionRevocations) => { close(): Promise<void> }) | undefined;
}

/**
 * The core's `valueFps` in a server: the active camera's full-size JPEG is made
 * once a second while no viewer takes the full size at the full rate (viewers
 * of H.264 or of scaled frames), and every frame while one does. The latest
 * frame is only a first picture for a new viewer (MJPEG, `frames`), a metric's
 * age, or a snapshot when it is current (frames/snapshot.ts); else a snapshot
 * takes the next frame. Gateways thin it the same way: a gateway asks the
 * capture node for it once a second while none of its viewers takes it at the
 * full rate (bus/redis-gateway.ts).
 */
export const SERVER_VALUE_FPS = 1;

/** The capture side's tuning, with the config's `videoStandby` over it. */
export function captureTuning(tuning: Partial<CaptureTuning> | undefined, videoStandby: boolean | undefined): Partial<CaptureTuning> | undefined {
  return videoStandby === undefined ? tuning : { ...tuning, videoStandby };
}

/** The options of the capture in this process (bus/in-process.ts), for `cameras`, from the app's. */
export function captureOptions(options: AppOptions, cameras: readonly CameraConfig[]): ServerVideoStreamOptions {
  return {
    cameras,
    fps: options.fps,
    quality: options.quality,
    paused: options.paused,
    tuning: captureTuning(options.tuning, options.videoStandby),
    valueFps: SERVER_VALUE_FPS,
    isolation: options.isolation,
    supervision: options.supervision,
    maxVariantsPerCamera: options.limits?.maxVariantsPerCamera,
    maxVideoVariantsPerCamera: options.limits?.maxVideoVariantsPerCamera,
    videoGopBytes: options.limits?.videoGopBytes,
  };
}
