/** Waiting helpers for tests of live streams: poll a condition, or gather frames for a while. */
import process from 'node:process';
import type { CameraInfo, CameraStatus, Frame, FrameRequest, ServerVideoStream } from '@servercam/core';
import { until } from '../../../testing/src/wait.ts';

/** The test kit's, by path (the core's tests may not depend on @servercam/testing). */
export { until };

/** Resolves with the camera's info once it reports `status`. */
export function untilStatus(stream: ServerVideoStream, cameraId: string, status: CameraStatus, timeoutMs = 10_000): Promise<CameraInfo> {
  return until(() => {
    const info = stream.camera(cameraId);
    return info?.status === status ? info : undefined;
  }, `camera ${cameraId} to be ${status} (is ${stream.camera(cameraId)?.status})`, timeoutMs);
}

/** Every frame a consumer receives during `ms`, after the first one arrived. */
export async function framesFor(stream: ServerVideoStream, request: FrameRequest, ms: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  let first: (() => void) | undefined;
  const started = new Promise<void>((resolve) => (first = resolve));
  const stop = stream.subscribe(request, (frame) => {
    frames.push(frame);
    first?.();
  });
  try {
    await Promise.race([started, new Promise((_, reject) => setTimeout(() => reject(new Error('no frame within 10 s')), 10_000))]);
    frames.length = 0;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return [...frames];
  } finally {
    stop();
  }
}

/** Whether a process of this id still runs (signal 0 tests for it without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
