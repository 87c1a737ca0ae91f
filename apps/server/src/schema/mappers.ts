/**
 * The core's objects in the shapes of the generated GraphQL types.
 * (Frames are mapped in frames/serialize.ts, with the frame path.)
 * @module
 */
import { type CameraInfo, redactSecrets, type StreamSettings as CoreSettings } from '@servercam/core';
import type { Camera, CameraErrorCode, CameraStatus, StreamSettings } from '@servercam/schema';
import { isoTime } from '../frames/serialize.ts';

const STATUS: Record<CameraInfo['status'], CameraStatus> = {
  idle: 'IDLE',
  opening: 'OPENING',
  live: 'LIVE',
  paused: 'PAUSED',
  error: 'ERROR',
};

const ERROR_CODES: ReadonlySet<string> = new Set<CameraErrorCode>(['CANNOT_OPEN_CAMERA', 'CANNOT_READ_CAMERA', 'BACKEND_UNAVAILABLE']);

/** `motionCameras`: the ids of the cameras with motion detection configured. */
export function toGraphQLCamera(camera: CameraInfo, motionCameras?: ReadonlySet<string>): Camera {
  const { error } = camera;
  return {
    id: camera.id,
    label: camera.label,
    status: STATUS[camera.status],
    error: error
      ? {
          code: (ERROR_CODES.has(error.code) ? error.code : 'CANNOT_READ_CAMERA') as CameraErrorCode,
          // The core redacts already; a capture node of another version may not have.
          message: redactSecrets(error.message),
          at: isoTime(error.at),
        }
      : null,
    width: camera.width ?? null,
    height: camera.height ?? null,
    measuredFps: camera.measuredFps,
    viewers: camera.consumers,
    motion: camera.motion,
    motionDetection: motionCameras?.has(camera.id) ?? false,
  };
}

export function toGraphQLSettings(settings: CoreSettings): StreamSettings {
  return {
    paused: settings.paused,
    fps: settings.fps,
    activeCameraId: settings.activeCameraId,
    quality: settings.quality,
  };
}
