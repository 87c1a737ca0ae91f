/**
 * `GET /healthz`: the server is up, and how its cameras are doing, as JSON.
 * Always 200 while the server runs; `status` is `degraded` when a camera is in error.
 * A caller whose grant is not on every camera sees only its cameras, the active
 * camera as access/scope.ts shows it, and nothing of the bus.
 * @module
 */
import type { Grant } from '../access/principal.ts';
import { inScope, visibleActiveCamera } from '../access/scope.ts';
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import { toGraphQLCamera, toGraphQLSettings } from '../schema/mappers.ts';

export function healthResponse(stream: FrameBus, cameras: CameraDirectory, startedAt: number, grant?: Grant): Response {
  const all = cameras.list().map((camera) => toGraphQLCamera(camera));
  const everything = grant === undefined || grant.cameras === '*';
  const list = everything ? all : all.filter((camera) => inScope(grant, camera.id));
  const settings = toGraphQLSettings(stream.settings);
  const body = {
    status: all.some((camera) => camera.status === 'ERROR') ? 'degraded' : 'ok',
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    stream: everything ? settings : { ...settings, activeCameraId: visibleActiveCamera(grant, settings.activeCameraId) },
    cameras: list,
    // A gateway's or capture node's Redis connection (absent in process).
    ...(stream.health && everything ? { bus: stream.health() } : {}),
  };
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
}

/** `/healthz` for `principal`: what its grant may see; without credentials, up or not and nothing about the cameras. */
export async function healthRouteResponse(stream: FrameBus, cameras: CameraDirectory, startedAt: number, principal: { readonly grant: Grant } | undefined): Promise<Response> {
  const health = healthResponse(stream, cameras, startedAt, principal?.grant);
  if (principal) return health;
  const { status } = (await health.json()) as { status: string };
  return Response.json({ status }, { headers: { 'Cache-Control': 'no-store' } });
}
