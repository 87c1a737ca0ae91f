/**
 * `GET /healthz`: the server is up, and how its cameras are doing, as JSON.
 * Always 200 while the server runs; `status` is `degraded` when a camera is in error.
 * @module
 */
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import { toGraphQLCamera, toGraphQLSettings } from '../schema/mappers.ts';

export function healthResponse(stream: FrameBus, cameras: CameraDirectory, startedAt: number): Response {
  const list = cameras.list().map((camera) => toGraphQLCamera(camera));
  const body = {
    status: list.some((camera) => camera.status === 'ERROR') ? 'degraded' : 'ok',
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    stream: toGraphQLSettings(stream.settings),
    cameras: list,
    // A gateway's or capture node's Redis connection (absent in process).
    ...(stream.health ? { bus: stream.health() } : {}),
  };
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
}
