/**
 * `GET /cameras/:id/snapshot.jpg`: the camera's latest JPEG. An unknown camera
 * gets 404; a camera with no frame to give (not yet, in error, paused before
 * its first frame) gets 503 with `Retry-After`.
 * @module
 */
import { redactSecrets } from '@servercam/core';
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import { takeSnapshot } from '../frames/snapshot.ts';
import { isoTime } from '../frames/serialize.ts';
import { errorResponse } from './http.ts';

export async function snapshotResponse(
  request: Request,
  stream: FrameBus,
  cameras: CameraDirectory,
  cameraId: string,
  waitMs: number,
): Promise<Response> {
  const camera = cameras.get(cameraId);
  if (!camera) return errorResponse(404, `Unknown camera "${cameraId}"`);
  const frame = await takeSnapshot(stream, cameras, cameraId, { waitMs, signal: request.signal });
  if (!frame) {
    const why = camera.status === 'error' && camera.error
      ? `Camera "${cameraId}" is in error: ${redactSecrets(camera.error.message)}`
      : `Camera "${cameraId}" has no frame yet (status: ${camera.status})`;
    return errorResponse(503, why, { 'Retry-After': camera.status === 'error' ? '5' : '1' });
  }
  const headers = {
    'Content-Type': frame.mimeType,
    'Content-Length': String(frame.data.byteLength),
    'Cache-Control': 'no-store',
    'Content-Disposition': `inline; filename="${cameraId}-${frame.seq}.jpg"`,
    'X-Frame-Seq': String(frame.seq),
    'X-Captured-At': isoTime(frame.capturedAt),
  };
  return new Response(request.method === 'HEAD' ? null : (frame.data as Uint8Array<ArrayBuffer>), { headers });
}
