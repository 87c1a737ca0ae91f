/**
 * `/events/:id/snapshot.jpg` and `/events/:id/clip.(mp4|avi)` for an
 * authenticated caller: the events capability checked (access/doors.ts), then
 * the file of an event on one of the caller's cameras (events/routes.ts),
 * closed when the caller's credential is revoked (access/live.ts).
 * @module
 */
import { eventRouteRefusal } from '../access/doors.ts';
import type { LiveAccess } from '../access/live.ts';
import { scopeFilter } from '../access/scope.ts';
import { eventFileResponse } from '../events/routes.ts';
import type { EventService } from '../events/service.ts';
import type { Principal } from '../security/auth.ts';
import { decodePathId } from './http.ts';

/** The answer to a request whose path matched `EVENT_ROUTE` (`match`), for an authenticated `principal`. */
export async function eventRouteResponse(
  request: Request,
  match: RegExpExecArray,
  principal: Principal,
  events: EventService | undefined,
  live: LiveAccess,
): Promise<Response> {
  const id = decodePathId(match[1]!, 'event');
  if (id instanceof Response) return id;
  const refusal = eventRouteRefusal(principal.grant);
  if (refusal) return refusal;
  return live.guardResponse(principal, await eventFileResponse(request, events, id, match[2]!, scopeFilter(principal.grant)));
}
