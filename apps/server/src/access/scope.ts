/**
 * The one place that decides what a caller may reach, used by the GraphQL
 * resolvers and the HTTP routes alike:
 *
 * - **Fields** ({@link FIELD_ACCESS}): each root field of Query, Mutation and
 *   Subscription needs a capability, `any` caller (share links included) or
 *   a `member` (any caller but a share link). {@link guardRootFields} wraps
 *   the resolvers with it; a root field missing from the table is refused
 *   (fail closed).
 * - **Cameras** ({@link canSeeCamera}): a camera outside the caller's grant is
 *   treated exactly as a camera that does not exist, on every door: the same
 *   error, the same 404, the same null, and it is left out of every list.
 * - **The shared settings**: `activeCameraId` is shown only when the active
 *   camera is in the caller's scope, else as `""` ({@link visibleActiveCamera});
 *   `updateStream` needs `control` and an active camera (after the change) in
 *   scope ({@link canControl}).
 * @module
 */
import { GraphQLError } from 'graphql';
import type { Capability, Grant } from './principal.ts';

/** What a root field needs: a capability, any caller (`any`), or any caller but a share link (`member`). */
export type Need = Capability | 'any' | 'member';

/** The root fields and what each needs. Share links reach only `any` fields and `view`. */
export const FIELD_ACCESS: Readonly<Record<'Query' | 'Mutation' | 'Subscription', Readonly<Record<string, Need>>>> = {
  Query: {
    cameras: 'any',
    camera: 'any',
    viewer: 'any',
    snapshot: 'view',
    stream: 'member',
    events: 'events',
    event: 'events',
    accessTokens: 'admin',
    shareLinks: 'admin',
    auditLog: 'admin',
  },
  Mutation: {
    updateStream: 'control',
    createAccessToken: 'admin',
    revokeAccessToken: 'admin',
    createShareLink: 'admin',
    revokeShareLink: 'admin',
  },
  Subscription: {
    frames: 'view',
    video: 'view',
    cameraStatus: 'any',
    streamSettings: 'member',
    motionEvents: 'events',
  },
};

/** Whether `grant` meets `need`. */
export function meets(grant: Grant, need: Need): boolean {
  if (need === 'any') return true;
  if (need === 'member') return grant.kind !== 'link';
  return grant.capabilities.has(need);
}

/** Whether `cameraId` is in the grant's cameras (it may still not exist). */
export function inScope(grant: Grant, cameraId: string): boolean {
  return grant.cameras === '*' || grant.cameras.has(cameraId);
}

/** The grant's scope as a filter of camera ids, for the streams and lists that take one: undefined for every camera (`*`). */
export function scopeFilter(grant: Grant): ((cameraId: string) => boolean) | undefined {
  return grant.cameras === '*' ? undefined : (cameraId) => inScope(grant, cameraId);
}

/** The grant's scope as a list of camera ids (the event store's query): undefined for every camera (`*`). */
export function scopeIds(grant: Grant): readonly string[] | undefined {
  return grant.cameras === '*' ? undefined : [...grant.cameras];
}

/** Whether the camera exists and is in scope: the one test of "this caller may know of this camera". */
export function canSeeCamera(grant: Grant, cameraId: string, exists: (id: string) => boolean): boolean {
  return inScope(grant, cameraId) && exists(cameraId);
}

/** Of `ids`, those in the grant's scope, in order. */
export function visibleIds(grant: Grant, ids: readonly string[]): string[] {
  return grant.cameras === '*' ? [...ids] : ids.filter((id) => inScope(grant, id));
}

/** The active camera as this caller may see it: its id when in scope, else `""` (a camera it cannot see). */
export function visibleActiveCamera(grant: Grant, activeCameraId: string): string {
  return inScope(grant, activeCameraId) ? activeCameraId : '';
}

/** Whether the caller may change the shared settings so that `activeCameraId` is active afterwards. */
export function canControl(grant: Grant, activeCameraId: string): boolean {
  return grant.capabilities.has('control') && inScope(grant, activeCameraId);
}

/** The one refusal of GraphQL: `FORBIDDEN`, `Forbidden: <what>`, naming what is needed, never what exists. */
export function forbidden(what: string): GraphQLError {
  return new GraphQLError(`Forbidden: ${what}`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

/** A need in words, for {@link forbidden}: `the control capability`. */
export function needText(need: Need): string {
  return need === 'any' || need === 'member' ? 'a token (a share link reaches only its camera)' : `the ${need} capability`;
}

type Resolver = (parent: unknown, args: unknown, context: unknown, info: unknown) => unknown;
type RootResolvers = Record<string, Resolver | { subscribe: Resolver; resolve?: Resolver }>;

/**
 * Wraps every root resolver of Query, Mutation and Subscription with its
 * {@link FIELD_ACCESS} need, checked against the caller's grant (`grantOf`
 * the context). A field not in the table is refused. Returns the resolvers.
 */
export function guardRootFields<R extends Partial<Record<'Query' | 'Mutation' | 'Subscription', unknown>>>(
  resolvers: R,
  grantOf: (context: unknown) => Grant | undefined,
): R {
  const check = (type: 'Query' | 'Mutation' | 'Subscription', field: string, context: unknown): void => {
    const need = FIELD_ACCESS[type][field];
    const grant = grantOf(context);
    // No caller never gets here (security/plugins.ts refuses the operation); fail closed anyway.
    if (need === undefined || !grant || !meets(grant, need)) throw forbidden(`${type}.${field} needs ${needText(need ?? 'admin')}`);
  };
  for (const type of ['Query', 'Mutation', 'Subscription'] as const) {
    const fields = resolvers[type] as RootResolvers | undefined;
    if (!fields) continue;
    for (const [field, resolver] of Object.entries(fields)) {
      if (typeof resolver === 'function') {
        fields[field] = (parent, args, context, info) => {
          check(type, field, context);
          return resolver(parent, args, context, info);
        };
      } else {
        const { subscribe } = resolver;
        fields[field] = {
          ...resolver,
          subscribe: (parent, args, context, info) => {
            check(type, field, context);
            return subscribe(parent, args, context, info);
          },
        };
      }
    }
  }
  return resolvers;
}
