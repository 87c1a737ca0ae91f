/**
 * scope.ts applied to the HTTP routes: the answer of a camera route or an
 * event file for a caller who may not reach it. An out-of-scope camera gets
 * the very answer of a camera that does not exist (404, the same body); a
 * missing capability gets 403 whatever the camera, so it reveals nothing either.
 * @module
 */
import { errorResponse } from '../routes/http.ts';
import type { Grant } from './principal.ts';
import { canSeeCamera } from './scope.ts';

/** The refusal of `/cameras/:id/…` (view needed), or undefined when the caller may reach it. */
export function cameraRouteRefusal(grant: Grant, cameraId: string, exists: (id: string) => boolean): Response | undefined {
  if (!grant.capabilities.has('view')) return errorResponse(403, 'Forbidden: camera streams and snapshots need the view capability');
  if (!canSeeCamera(grant, cameraId, exists)) return errorResponse(404, `Unknown camera "${cameraId}"`);
  return undefined;
}

/** The refusal of `/events/:id/…` for a caller without the events capability; camera scope is checked with the event (scope.ts's `scopeFilter`). */
export function eventRouteRefusal(grant: Grant): Response | undefined {
  return grant.capabilities.has('events') ? undefined : errorResponse(403, 'Forbidden: event files need the events capability');
}
