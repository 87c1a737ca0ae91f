/**
 * Camera configuration and the status a camera reports.
 * @module
 */
import { credentialsProblem, hasUserinfo, type SourceCredentials } from './credentials.ts';
import { type ErrorCode, InvalidSettings } from './errors.ts';
import { type MotionConfig, resolveMotionConfig } from './motion.ts';
import { parseSource } from './source.ts';

export interface CameraConfig {
  /** Stable id, used in URLs and APIs: letters, digits, `-` and `_`. */
  readonly id: string;
  /** A human label; defaults to the id. */
  readonly label?: string | undefined;
  /** See {@link parseSource}: a device index or path, a file, a URL or `synthetic[:WxH[@FPS]]`. */
  readonly source: string | number;
  /** Files only: start again at the end (default true). */
  readonly loop?: boolean | undefined;
  /**
   * Files only: play at the file's own frame rate (default true). `false` reads
   * as fast as decoding allows, which benchmarks use.
   */
  readonly realtime?: boolean | undefined;
  /**
   * Motion detection for this camera (opt-in). A camera with detection is
   * captured whenever the stream is not paused, whether or not anyone watches.
   */
  readonly motion?: MotionConfig | undefined;
  /**
   * Network sources only: the user name and password, kept out of the URL
   * (which then must have none). Never shown, in any status or message.
   */
  readonly credentials?: SourceCredentials | undefined;
}

export type CameraStatus = 'idle' | 'opening' | 'live' | 'paused' | 'error';

export interface CameraErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
  /** When the error was seen, milliseconds since the Unix epoch. */
  readonly at: number;
}

/** A camera as viewers see it. */
export interface CameraInfo {
  readonly id: string;
  readonly label: string;
  readonly status: CameraStatus;
  /** The last error; kept while the camera retries, cleared once it is live again. */
  readonly error: CameraErrorInfo | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Frames captured per second, measured; 0 while not capturing. */
  readonly measuredFps: number;
  /** How many consumers currently receive this camera's frames. */
  readonly consumers: number;
  /** Motion is being seen right now (cameras with detection only). */
  readonly motion: boolean;
}

/** A camera id: 1 to 64 letters, digits, `-` or `_` (safe in URLs, file names and Redis channel names). */
export const CAMERA_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Validates a camera list: at least one camera, unique well-formed ids.
 * @throws {InvalidSettings} whose `field` names the camera's entry: `cameras`, `cameras[1].id`, `cameras[0].motion`.
 */
export function validateCameras(cameras: readonly CameraConfig[]): void {
  if (cameras.length === 0) throw new InvalidSettings('cameras', 'At least one camera must be configured');
  const seen = new Set<string>();
  for (const [index, camera] of cameras.entries()) {
    const at = `cameras[${index}]`;
    if (!CAMERA_ID_PATTERN.test(camera.id)) {
      throw new InvalidSettings(`${at}.id`, `Camera id "${camera.id}" is invalid: use 1–64 letters, digits, "-" or "_"`);
    }
    if (seen.has(camera.id)) throw new InvalidSettings(`${at}.id`, `Camera id "${camera.id}" is configured twice`);
    seen.add(camera.id);
    if (camera.credentials !== undefined) {
      const problem = credentialsProblem(camera.credentials);
      if (problem) throw new InvalidSettings(`${at}.credentials`, `Camera "${camera.id}": credentials ${problem}`);
      const spec = parseSource(camera.source);
      if (spec.kind !== 'url') throw new InvalidSettings(`${at}.credentials`, `Camera "${camera.id}": credentials are for rtsp:// and http(s):// sources only`);
      if (hasUserinfo(spec.url)) {
        throw new InvalidSettings(`${at}.credentials`, `Camera "${camera.id}": give the credentials either in "credentials" or in the URL, not both`);
      }
    }
    if (camera.motion) {
      try {
        resolveMotionConfig(camera.motion);
      } catch (error) {
        throw new InvalidSettings(`${at}.motion`, `Camera "${camera.id}": ${(error as Error).message}`, { cause: error });
      }
    }
  }
}
