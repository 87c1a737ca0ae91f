/**
 * `/cameras/:id/snapshot.jpg`, `/cameras/:id/stream.mjpeg` and
 * `/cameras/:id/stream.mp4` for an authenticated caller: the caller's grant
 * checked (access/doors.ts), then the snapshot, or a stream closed when the
 * caller's credential is revoked (access/live.ts).
 * @module
 */
import { cameraRouteRefusal } from '../access/doors.ts';
import type { LiveAccess } from '../access/live.ts';
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import type { Principal } from '../security/auth.ts';
import type { MjpegStreams } from '../transports/mjpeg.ts';
import type { Mp4Streams } from '../transports/mp4.ts';
import { decodePathId, methodNotAllowed } from './http.ts';
import { snapshotResponse } from './snapshot.ts';

/** `/cameras/:id/snapshot.jpg`, `/cameras/:id/stream.mjpeg`, `/cameras/:id/stream.mp4`. */
export const CAMERA_ROUTE = /^\/cameras\/([^/]+)\/(snapshot\.jpg|stream\.mjpeg|stream\.mp4)$/;

/** What the camera routes answer from. */
export interface CameraRoutes {
  readonly stream: FrameBus;
  readonly cameras: CameraDirectory;
  readonly mjpeg: MjpegStreams;
  readonly mp4: Mp4Streams;
  readonly live: LiveAccess;
  /** How long a snapshot waits for the first frame of a camera that is not capturing yet (ms). */
  readonly snapshotWaitMs: number;
}

/** The answer to a request whose path matched {@link CAMERA_ROUTE} (`match`), for an authenticated `principal`. */
export async function cameraRouteResponse(request: Request, match: RegExpExecArray, principal: Principal, routes: CameraRoutes): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
  const id = decodePathId(match[1]!, 'camera');
  if (id instanceof Response) return id;
  const refusal = cameraRouteRefusal(principal.grant, id, (cameraId) => routes.cameras.has(cameraId));
  if (refusal) return refusal;
  if (match[2] === 'snapshot.jpg') return snapshotResponse(request, routes.stream, routes.cameras, id, routes.snapshotWaitMs);
  if (match[2] === 'stream.mp4') return routes.live.guardResponse(principal, await routes.mp4.respond(request, id));
  return routes.live.guardResponse(principal, routes.mjpeg.respond(request, id));
}
