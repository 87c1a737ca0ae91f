/**
 * The subscriptions the load clients run, every field selected, `capturedAt`
 * first: a client reads it from the message's first bytes, never parsing the
 * whole message.
 * @module
 */

/** JPEG frames (issue 5's fan-out). */
export const FRAMES_QUERY =
  'subscription Bench($w: Int) { frames(maxWidth: $w) { capturedAt cameraId seq width height mimeType data } }';

/** H.264 chunks (issue 15). */
export const VIDEO_QUERY =
  'subscription BenchVideo($w: Int) { video(maxWidth: $w) { capturedAt cameraId seq keyframe codec description width height data } }';
