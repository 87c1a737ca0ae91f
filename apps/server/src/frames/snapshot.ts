/**
 * Snapshots: the latest full-size frame of a camera, fresh when it can be.
 * The active camera always captures, so its latest frame is current. Another
 * camera captures only while watched: for it, a snapshot watches it briefly
 * and takes the first frame.
 * @module
 */
import type { Frame } from '@servercam/core';
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';

export interface SnapshotOptions {
  /** How long to wait for a first frame of a camera that is not capturing yet. */
  readonly waitMs: number;
  readonly signal?: AbortSignal | undefined;
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
  if (latest && camera.status === 'live') return latest;
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
    const stop = stream.subscribe({ cameraId }, (frame) => finish(frame));
  });
}
