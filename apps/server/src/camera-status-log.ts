/**
 * The cameras' status changes in the log: a warning when a camera fails, an
 * info line for every other change, each change once.
 * @module
 */
import type { CameraDirectory } from './cameras.ts';
import type { Logger } from './logger.ts';

/** Logs each camera's status changes from now on; returns the function that stops. */
export function logStatusChanges(cameras: CameraDirectory, logger: Logger): () => void {
  const last = new Map<string, string>();
  const log = logger.child({ component: 'camera' });
  return cameras.onStatus((camera) => {
    const key = `${camera.status}:${camera.error?.message ?? ''}`;
    if (last.get(camera.id) === key) return;
    last.set(camera.id, key);
    if (camera.status === 'error') {
      log.warn({ camera: camera.id, code: camera.error?.code }, camera.error?.message ?? `camera "${camera.id}" failed`);
    } else {
      log.info({ camera: camera.id, status: camera.status, width: camera.width, height: camera.height }, `camera "${camera.id}" is ${camera.status}`);
    }
  });
}
