/**
 * The shared stream settings every viewer sees and changes, and their validation.
 * @module
 */
import { InvalidSettings } from './errors.ts';

export interface StreamSettings {
  /** Capture is stopped; the last frame is kept. */
  readonly paused: boolean;
  /** Capture rate per camera in frames per second; 0 means as fast as the source gives. */
  readonly fps: number;
  /** The camera `value` follows and that consumers without a camera id receive. */
  readonly activeCameraId: string;
  /** JPEG quality, 1–100. */
  readonly quality: number;
}

export type StreamSettingsPatch = { -readonly [K in keyof StreamSettings]?: StreamSettings[K] | undefined };

export const DEFAULT_FPS = 10;
export const DEFAULT_QUALITY = 80;
export const MAX_FPS = 240;

/**
 * Applies `patch` to `current` and validates the result as a whole.
 * @throws {InvalidSettings} naming the first offending field; nothing is applied.
 */
export function applySettings(
  current: StreamSettings,
  patch: StreamSettingsPatch,
  cameraIds: ReadonlySet<string>,
): StreamSettings {
  const next = {
    paused: patch.paused ?? current.paused,
    fps: patch.fps ?? current.fps,
    activeCameraId: patch.activeCameraId ?? current.activeCameraId,
    quality: patch.quality ?? current.quality,
  };
  if (typeof next.paused !== 'boolean') throw new InvalidSettings('paused', 'paused must be true or false');
  if (typeof next.fps !== 'number' || !Number.isFinite(next.fps) || next.fps < 0) {
    throw new InvalidSettings('fps', `fps must be a number ≥ 0 (0 means as fast as the source gives), got ${String(next.fps)}`);
  }
  if (next.fps > MAX_FPS) throw new InvalidSettings('fps', `fps must be at most ${MAX_FPS}, got ${next.fps}`);
  if (!Number.isInteger(next.quality) || next.quality < 1 || next.quality > 100) {
    throw new InvalidSettings('quality', `quality must be a whole number from 1 to 100, got ${String(next.quality)}`);
  }
  if (typeof next.activeCameraId !== 'string' || !cameraIds.has(next.activeCameraId)) {
    throw new InvalidSettings(
      'activeCameraId',
      `activeCameraId must be a configured camera (${[...cameraIds].join(', ')}), got "${String(next.activeCameraId)}"`,
    );
  }
  return Object.freeze(next);
}

/** Checks a `valueFps` option: like `fps`, a number from 0 (every frame) to {@link MAX_FPS}. @throws {RangeError} */
export function checkValueFps(value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_FPS) {
    throw new RangeError(`valueFps must be a number from 0 (every frame) to ${MAX_FPS}, got ${String(value)}`);
  }
  return value;
}

/** Whether two settings objects are equal field by field. */
export function sameSettings(a: StreamSettings, b: StreamSettings): boolean {
  return a.paused === b.paused && a.fps === b.fps && a.activeCameraId === b.activeCameraId && a.quality === b.quality;
}
