/**
 * Cameras for the UI's unit tests: a live one, and one in ERROR with the
 * last error, each with the fields a test changes given as overrides.
 * @module
 */
import type { Camera } from './cameras.svelte.ts';

/** A LIVE synthetic camera at 640×360, 10 fps, one viewer. */
export function liveCamera(overrides: Partial<Camera> = {}): Camera {
  return { id: 'synth', label: 'Synthetic', status: 'LIVE', error: null, width: 640, height: 360, measuredFps: 10, viewers: 1, motion: false, motionDetection: false, ...overrides };
}

/** The camera "door" in ERROR: it could not open its file; no size, no fps, no viewer. */
export function brokenCamera(message = 'no such file'): Camera {
  return liveCamera({
    id: 'door',
    label: 'Door',
    status: 'ERROR',
    error: { code: 'CANNOT_OPEN_CAMERA', message, at: '2026-01-01T00:00:00Z' },
    width: null,
    height: null,
    measuredFps: 0,
    viewers: 0,
  });
}
