/**
 * The in-process frame bus: the core's `ServerVideoStream` itself, capture and
 * serving in one process (`servercam serve`).
 * @module
 */
import { ServerVideoStream, type ServerVideoStreamOptions } from '@servercam/core';
import type { FrameBus } from './bus.ts';

/** A bus whose cameras are captured by this process. */
export function createInProcessBus(options: ServerVideoStreamOptions): FrameBus & ServerVideoStream {
  return new ServerVideoStream(options);
}
