/**
 * The options and events of `ServerVideoStream` (stream.ts).
 * @module
 */
import type { CameraConfig, CameraInfo } from './camera.ts';
import type { Frame } from './frame.ts';
import type { ProcessSupervision } from './host/process-host.ts';
import type { MotionEvent } from './motion.ts';
import type { CaptureTuning } from './protocol.ts';
import type { StreamSettings, StreamSettingsPatch } from './settings.ts';

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
  /**
   * Distinct H.264 widths encoded per camera (default 2), a cap of its own:
   * each is an encoder process. Past it a video consumer shares the nearest one.
   */
  readonly maxVideoVariantsPerCamera?: number | undefined;
  /**
   * The bound of each video variant's cached GOP, and of a video consumer's
   * unread chunks, in bytes (default 8 MiB).
   */
  readonly videoGopBytes?: number | undefined;
  /**
   * How often `value` is made while nothing else takes the active camera's
   * full size (frames per second). 0 (default): every frame captured, as in
   * the original, watched or not. A server whose viewers watch H.264 or scaled
   * frames sets 1, and saves a full-size JPEG encode per frame: `value` is then
   * up to a second old (and, when paused, up to a second older than the last
   * frame captured). A consumer of the full size at the full rate (no `maxFps`,
   * and no `maxWidth` or one at least the camera's width) or a `value` listener
   * makes it every frame again; a full-size encode made for another rate
   * refreshes it too.
   */
  readonly valueFps?: number | undefined;
}

export interface StreamEvents extends Record<string, unknown> {
  /** The shared settings changed (any field). */
  settings: StreamSettings;
  /** A camera's status, error, size, consumer count or motion changed, or its measured fps moved (at most once a second). */
  status: CameraInfo;
  /** A new `value`: a full-size frame of the active camera. A listener has it every frame (see `valueFps`). */
  value: Frame;
  /** A motion event started or ended (cameras with detection). */
  motion: MotionEvent;
}

export const DEFAULT_TUNING: CaptureTuning = { readTimeoutMs: 5000, openTimeoutMs: 5000, reconnectMinMs: 500, reconnectMaxMs: 10_000, videoStandby: true };
