/**
 * The messages between the benchmark's processes (over Node's IPC channel):
 * the orchestrator (cli.ts), a server under test (server-process.ts: a whole
 * server or a scale-out role) and
 * the load generators (load-process.ts).
 * @module
 */
import type { CameraStats } from '@servercam/core';

/** `video`: the H.264 `video` subscription over graphql-ws (issue 15); the others carry JPEG frames. */
export type Transport = 'graphql-ws' | 'sse' | 'mjpeg' | 'video';
export type ServerKind = 'servercam' | 'naive';

interface CameraSpec {
  readonly source: string;
  readonly fps: number;
  readonly quality: number;
}

/**
 * The server process to start (server-process.ts): servercam or the naive
 * baseline on their own, or a role of the scale-out scenario meeting on Redis.
 */
export type ServerSpec =
  | (CameraSpec & {
      readonly kind: ServerKind;
      /** servercam only: the built web app to serve at `/` (the Chromium scenario); none by default. */
      readonly uiDir?: string | undefined;
    })
  | (CameraSpec & { readonly kind: 'capture' | 'gateway'; readonly redisUrl: string });

export type ToServer =
  | { type: 'stats' }
  | { type: 'pause'; paused: boolean }
  /** Holds (or lets go) an in-process consumer of the camera's full size: the idle cost with the encode viewers cause. */
  | { type: 'hold-full'; hold: boolean }
  | { type: 'close' };

export interface ServerStatsReply {
  readonly type: 'stats';
  readonly rss: number;
  readonly cameras: CameraStats[];
  readonly framesDropped: number;
}

export type FromServer = { type: 'ready'; url: string } | ServerStatsReply;

export interface LoadSpec {
  readonly transport: Transport;
  readonly url: string;
  /** Clients that read everything. */
  readonly clients: number;
  /** Clients that stop reading after their first message. */
  readonly stalled: number;
  /** maxWidth of each client, cycled through; empty: full size. */
  readonly maxWidths: readonly number[];
  /** The measurement window, epoch ms. */
  readonly from: number;
  readonly to: number;
}

export interface LoadResult {
  readonly type: 'result';
  /** Messages each reading client received inside the window. */
  readonly counts: number[];
  /** Latency of every message inside the window, ms from capturedAt to the whole message. */
  readonly latencies: number[];
  /** Bytes the reading clients received inside the window (WebSocket message payloads; HTTP body bytes). */
  readonly bytes: number;
  /** Clients that failed to connect or broke. */
  readonly errors: string[];
  /** The load process's own CPU over the window, seconds. */
  readonly cpuSeconds: number;
}

export type FromLoad = { type: 'connected' } | LoadResult;
