/**
 * Snapshots: the latest full-size frame of a camera, fresh when it can be.
 * A camera's latest frame is its current picture while its full size is
 * made every frame (someone watches it). Otherwise (a camera captured only
 * while watched, or the active camera's `value`, made once a second while
 * viewers take H.264 or scaled frames: app-options.ts) a snapshot watches it
 * briefly and takes the first frame.
 * @module
 */
import type { CameraInfo, Frame } from '@servercam/core';
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';

export interface SnapshotOptions {
  /** How long to wait for a first frame of a camera that is not capturing yet. */
  readonly waitMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Whether a live camera's frame `ageMs` old is its current picture: made
 * within about two of its frame intervals (at least 100 ms, for jitter).
 */
export function isCurrentAge(ageMs: number, fps: number): boolean {
  return fps > 0 && ageMs <= Math.max(100, 2500 / fps);
}

/**
 * Whether a camera's latest frame is its picture now: while paused (no new
 * one comes), or a live camera's current frame ({@link isCurrentAge}). Its age
 * is by when it arrived where the bus knows (a gateway: another host's clock
 * may be off), else by `capturedAt`.
 */
export function isPictureNow(stream: Pick<FrameBus, 'paused' | 'latestAgeMs'>, camera: Pick<CameraInfo, 'status' | 'measuredFps'>, latest: Frame): boolean {
  if (stream.paused || camera.status === 'paused') return true;
  const age = stream.latestAgeMs?.(latest.cameraId) ?? Date.now() - latest.capturedAt;
  return camera.status === 'live' && isCurrentAge(age, camera.measuredFps);
}

/**
 * The camera's latest frame; `undefined` when it has none to give: no frame
 * yet, the camera is in error, or it is paused before its first frame.
 */
export async function takeSnapshot(
  stream: FrameBus,
  cameras: CameraDirectory,
  cameraId: string,
  options: SnapshotOptions,
): Promise<Frame | undefined> {
  const camera = cameras.get(cameraId);
  if (!camera || camera.status === 'error') return undefined;
  const latest = stream.latest(cameraId);
  if (stream.paused || camera.status === 'paused') return latest;
  if (latest && isPictureNow(stream, camera, latest)) return latest;
  if (options.waitMs <= 0 || options.signal?.aborted) return latest;
  return new Promise<Frame | undefined>((resolve) => {
    let done = false;
    const finish = (frame: Frame | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      stop();
      resolve(frame);
    };
    const onAbort = (): void => finish(latest);
    const timer = setTimeout(() => finish(stream.latest(cameraId) ?? latest), options.waitMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // A background consumer: a snapshot is not a viewer (no `consumers` count, no status events).
    const stop = stream.subscribe({ cameraId, background: true }, (frame) => finish(frame));
  });
}
