/**
 * The resolvers of schema.graphql, typed by the generated `Resolvers`.
 * Subscriptions read the core's conflating iterators directly, never Yoga's
 * in-memory pub/sub: a slow subscriber gets the newest frame, not a backlog.
 * @module
 */
import { applySettings, type CameraInfo, type Frame, InvalidSettings, type StreamSettings } from '@servercam/core';
import type { Resolvers, StreamSettingsInput } from '@servercam/schema';
import { accessQueries, createAccessToken, createShareLink, viewerOf } from '../access/graphql.ts';
import { type Grant, NO_GRANT, principalName } from '../access/principal.ts';
import type { AccessActor } from '../access/store.ts';
import { canControl, canSeeCamera, forbidden, guardRootFields, inScope, needText, scopeFilter, scopeIds, visibleActiveCamera, visibleIds } from '../access/scope.ts';
import { principalOf } from '../security/plugins.ts';
import { eventsPage, toGraphQLChange, toGraphQLEvent } from '../events/graphql.ts';
import type { EventChange } from '../events/hub.ts';
import { takeSnapshot } from '../frames/snapshot.ts';
import type { ResolverContext } from './context.ts';
import { badUserInput, captureUnavailable, unknownCamera } from './errors.ts';
import { BusUnavailable } from '../bus/bus.ts';
import { auditPage } from '../audit/graphql.ts';
import { measureFrame, measureVideo, meteredFeed } from '../metrics/transport-meter.ts';
import { toGraphQLCamera, toGraphQLSettings } from './mappers.ts';
import { DateTime } from './scalars.ts';
import { type VideoFeed, type VideoItem, VideoFailure } from '../video/feed.ts';
import { videoFailed } from './errors.ts';

/** The caller's grant (every root field is guarded by access/scope.ts, so there is one). */
function grantOf(context: unknown): Grant {
  return principalOf(context)?.grant ?? NO_GRANT;
}

/** A camera the caller may see; an out-of-scope one gets the very error of one that does not exist. */
function requireCamera(context: ResolverContext, cameraId: string, argument = 'cameraId'): string {
  const grant = grantOf(context);
  if (!canSeeCamera(grant, cameraId, (id) => context.cameras.has(id))) throw unknownCamera(cameraId, visibleIds(grant, context.cameras.ids), argument);
  return cameraId;
}

/** The shared settings as this caller may see them: an active camera out of its scope is `""` (access/scope.ts). */
function settingsFor(context: ResolverContext, settings: StreamSettings): ReturnType<typeof toGraphQLSettings> {
  const shown = toGraphQLSettings(settings);
  return { ...shown, activeCameraId: visibleActiveCamera(grantOf(context), shown.activeCameraId) };
}

/** The caller as the author of a token or link change (the audit trail's principal and address). */
function actorOf(context: ResolverContext): AccessActor {
  const principal = principalOf(context);
  return { name: principalName(grantOf(context)), address: principal?.address };
}

/** The core's refusal of a setting as BAD_USER_INPUT on the field it names. */
function settingsRefusal(error: unknown): unknown {
  return error instanceof InvalidSettings ? badUserInput(error.message, 'input', error.field) : error;
}

/** Opens a subscription whose `maxFps` or `maxWidth` out of range (the core's RangeError) is BAD_USER_INPUT on that argument. */
function withRateArguments<T>(open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof RangeError) throw badUserInput(error.message, error.message.startsWith('maxWidth') ? 'maxWidth' : 'maxFps');
    throw error;
  }
}

/** Drops nulls: an explicit null means "leave unchanged", like an omitted field. */
function patchOf(input: StreamSettingsInput): { paused?: boolean; fps?: number; activeCameraId?: string; quality?: number } {
  return {
    ...(input.paused != null ? { paused: input.paused } : {}),
    ...(input.fps != null ? { fps: input.fps } : {}),
    ...(input.activeCameraId != null ? { activeCameraId: input.activeCameraId } : {}),
    ...(input.quality != null ? { quality: input.quality } : {}),
  };
}

export const resolvers: Resolvers<ResolverContext> = guardRootFields<Resolvers<ResolverContext>>({
  DateTime,
  Query: {
    cameras: (_parent, _args, context) => {
      const grant = grantOf(context);
      return context.cameras.list().filter((camera) => inScope(grant, camera.id)).map((camera) => toGraphQLCamera(camera, context.motionCameras));
    },
    camera: (_parent, { id }, context) => {
      const camera = inScope(grantOf(context), id) ? context.cameras.get(id) : undefined;
      return camera ? toGraphQLCamera(camera, context.motionCameras) : null;
    },
    stream: (_parent, _args, context) => settingsFor(context, context.stream.settings),
    viewer: (_parent, _args, context) => viewerOf(grantOf(context)),
    accessTokens: (_parent, _args, context) => accessQueries.accessTokens(context.access, grantOf(context)),
    shareLinks: (_parent, _args, context) => accessQueries.shareLinks(context.access, grantOf(context)),
    auditLog: (_parent, args, context) => auditPage(context.audit?.log, args),
    snapshot: async (_parent, { cameraId }, context) => {
      const id = cameraId == null ? context.stream.activeCameraId : requireCamera(context, cameraId);
      // The active camera out of the caller's scope: no frame to show.
      if (!inScope(grantOf(context), id)) return null;
      const frame = await takeSnapshot(context.stream, context.cameras, id, {
        waitMs: context.snapshotWaitMs,
        signal: context.request?.signal,
      });
      return frame ? context.serializer.toGraphQLFrame(frame) : null;
    },
    events: (_parent, args, context) => {
      if (args.cameraId != null) requireCamera(context, args.cameraId);
      const grant = grantOf(context);
      return eventsPage(context.events, args, scopeIds(grant));
    },
    event: (_parent, { id }, context) => {
      const event = context.events?.store.get(id);
      return event && inScope(grantOf(context), event.cameraId) ? toGraphQLEvent(event) : null;
    },
  },
  Mutation: {
    updateStream: async (_parent, { input }, context) => {
      const patch = patchOf(input);
      const grant = grantOf(context);
      const ids = visibleIds(grant, context.cameras.ids);
      if (patch.activeCameraId !== undefined && !ids.includes(patch.activeCameraId)) {
        // The core's own refusal, judged against only the cameras the caller may see: an out-of-scope camera reads as a missing one.
        try {
          applySettings(context.stream.settings, { activeCameraId: patch.activeCameraId }, new Set(ids));
        } catch (error) {
          throw settingsRefusal(error);
        }
      }
      // Control of the shared stream needs the camera it shows (after the change) in scope.
      if (!canControl(grant, patch.activeCameraId ?? context.stream.activeCameraId)) {
        throw forbidden(`updateStream while the active camera is one this token does not control needs ${needText('control')}`);
      }
      try {
        const before = context.stream.settings;
        const after = await context.stream.update(patch);
        context.audit?.settingsChanged(principalOf(context), before, after);
        return settingsFor(context, after);
      } catch (error) {
        if (error instanceof BusUnavailable) throw captureUnavailable(error.message);
        throw settingsRefusal(error);
      }
    },
    createAccessToken: (_parent, args, context) => createAccessToken(context.access, args, grantOf(context), context.cameras, actorOf(context)),
    revokeAccessToken: (_parent, { id }, context) => accessQueries.revokeAccessToken(context.access, id, grantOf(context), actorOf(context)),
    createShareLink: (_parent, args, context) => createShareLink(context.access, args, grantOf(context), context.cameras, actorOf(context)),
    revokeShareLink: (_parent, { id }, context) => accessQueries.revokeShareLink(context.access, id, grantOf(context), actorOf(context)),
  },
  Subscription: {
    frames: {
      subscribe: (_parent, { cameraId, maxFps, maxWidth }, context) => {
        if (cameraId != null) requireCamera(context, cameraId);
        const grant = grantOf(context);
        // Without cameraId the active camera's frames, only while it is one the caller may see.
        return withRateArguments(() => meteredFeed(context.meter, context, cameraId ?? context.stream.activeCameraId, measureFrame, (handoff) => context.subscriptions.frames({
          cameraId: cameraId ?? undefined,
          maxFps: maxFps ?? undefined,
          maxWidth: maxWidth ?? undefined,
        }, handoff, scopeFilter(grant))));
      },
      resolve: (frame: Frame, _args: unknown, context: ResolverContext) => context.serializer.toGraphQLFrame(frame),
    },
    video: {
      subscribe: (_parent, { cameraId, maxFps, maxWidth }, context) => {
        if (cameraId != null) requireCamera(context, cameraId);
        const grant = grantOf(context);
        // Without cameraId the active camera's video, only while it is one the caller may see.
        return withRateArguments(() => meteredFeed(context.meter, context, cameraId ?? context.stream.activeCameraId, measureVideo, (handoff) => context.subscriptions.video({
          cameraId: cameraId ?? undefined,
          maxFps: maxFps ?? undefined,
          maxWidth: maxWidth ?? undefined,
        }, handoff, scopeFilter(grant)), (feed: VideoFeed) => feed.dropped()));
      },
      resolve: (item: VideoItem, _args: unknown, context: ResolverContext) => {
        if (item instanceof VideoFailure) throw videoFailed(item);
        return context.serializer.toGraphQLVideoChunk(item);
      },
    },
    streamSettings: {
      subscribe: (_parent, _args, context) => context.subscriptions.settings(),
      resolve: (settings: StreamSettings, _args: unknown, context: ResolverContext) => settingsFor(context, settings),
    },
    cameraStatus: {
      subscribe: (_parent, _args, context) => {
        const grant = grantOf(context);
        return context.subscriptions.statuses(scopeFilter(grant));
      },
      resolve: (camera: CameraInfo, _args: unknown, context: ResolverContext) => toGraphQLCamera(camera, context.motionCameras),
    },
    motionEvents: {
      subscribe: (_parent, { cameraId }, context) => {
        if (cameraId != null) requireCamera(context, cameraId);
        if (!context.eventHub) throw new Error('Motion events are not available');
        const grant = grantOf(context);
        return context.eventHub.changes(cameraId ?? undefined, scopeFilter(grant));
      },
      resolve: (change: EventChange) => toGraphQLChange(change),
    },
  },
}, grantOf);
