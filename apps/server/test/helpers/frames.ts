/** Waiting for a frame of a given age, for the `valueFps` tests of a server and of a gateway. */
import type { Frame } from '@servercam/core';
import type { FrameBus } from '../../src/bus/bus.ts';
import { until } from './clients.ts';

/**
 * A bus's latest frame of `cameraId` once it is 400 to 650 ms old: at 20 fps, older than two frame intervals (no
 * longer the camera's current picture), and well before the next once-a-second `value` (app-options.ts).
 */
export function staleLatest(stream: Pick<FrameBus, 'latest'>, cameraId = 'cam'): Promise<Frame> {
  return until(() => {
    const latest = stream.latest(cameraId);
    const age = latest ? Date.now() - latest.capturedAt : 0;
    return latest && age > 400 && age < 650 && latest;
  }, `a latest frame of ${cameraId} 400 to 650 ms old`);
}
