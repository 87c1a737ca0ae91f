/**
 * The resolvers of schema.graphql, typed by the generated `Resolvers`.
 * Subscriptions read the core's conflating iterators directly, never Yoga's
 * in-memory pub/sub: a slow subscriber gets the newest frame, not a backlog.
 * @module
 */
import { type CameraInfo, type Frame, InvalidSettings, type StreamSettings } from '@servercam/core';
import type { Resolvers, StreamSettingsInput } from '@servercam/schema';
import { eventsPage, toGraphQLChange, toGraphQLEvent } from '../events/graphql.ts';
import type { EventChange } from '../events/hub.ts';
import { takeSnapshot } from '../frames/snapshot.ts';
import type { ResolverContext } from './context.ts';
import { badUserInput, captureUnavailable, unknownCamera } from './errors.ts';
import { BusUnavailable } from '../bus/bus.ts';
import { toGraphQLCamera, toGraphQLSettings } from './mappers.ts';
import { DateTime } from './scalars.ts';
import { type VideoItem, VideoFailure } from '../video/feed.ts';
import { videoFailed } from './errors.ts';

function requireCamera(context: ResolverContext, cameraId: string, argument = 'cameraId'): string {
  if (!context.cameras.has(cameraId)) throw unknownCamera(cameraId, context.cameras.ids, argument);
  return cameraId;
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

export const resolvers: Resolvers<ResolverContext> = {
  DateTime,
  Query: {
    cameras: (_parent, _args, context) => context.cameras.list().map((camera) => toGraphQLCamera(camera, context.motionCameras)),
    camera: (_parent, { id }, context) => {
      const camera = context.cameras.get(id);
      return camera ? toGraphQLCamera(camera, context.motionCameras) : null;
    },
    stream: (_parent, _args, context) => toGraphQLSettings(context.stream.settings),
    snapshot: async (_parent, { cameraId }, context) => {
      const id = cameraId == null ? context.stream.activeCameraId : requireCamera(context, cameraId);
      const frame = await takeSnapshot(context.stream, context.cameras, id, {
        waitMs: context.snapshotWaitMs,
        signal: context.request?.signal,
      });
      return frame ? context.serializer.toGraphQLFrame(frame) : null;
    },
    events: (_parent, args, context) => {
      if (args.cameraId != null) requireCamera(context, args.cameraId);
      return eventsPage(context.events, args);
    },
    event: (_parent, { id }, context) => {
      const event = context.events?.store.get(id);
      return event ? toGraphQLEvent(event) : null;
    },
  },
  Mutation: {
    updateStream: async (_parent, { input }, context) => {
      try {
        return toGraphQLSettings(await context.stream.update(patchOf(input)));
      } catch (error) {
        if (error instanceof InvalidSettings) throw badUserInput(error.message, 'input', error.field);
        if (error instanceof BusUnavailable) throw captureUnavailable(error.message);
        throw error;
      }
    },
  },
  Subscription: {
    frames: {
      subscribe: (_parent, { cameraId, maxFps, maxWidth }, context) => {
        if (cameraId != null) requireCamera(context, cameraId);
        try {
          return context.subscriptions.frames({
            cameraId: cameraId ?? undefined,
            maxFps: maxFps ?? undefined,
            maxWidth: maxWidth ?? undefined,
          }, context.frameFeed);
        } catch (error) {
          if (error instanceof RangeError) {
            throw badUserInput(error.message, error.message.startsWith('maxWidth') ? 'maxWidth' : 'maxFps');
          }
          throw error;
        }
      },
      resolve: (frame: Frame, _args: unknown, context: ResolverContext) => context.serializer.toGraphQLFrame(frame),
    },
    video: {
      subscribe: (_parent, { cameraId, maxFps, maxWidth }, context) => {
        if (cameraId != null) requireCamera(context, cameraId);
        try {
          return context.subscriptions.video({
            cameraId: cameraId ?? undefined,
            maxFps: maxFps ?? undefined,
            maxWidth: maxWidth ?? undefined,
          }, context.frameFeed);
        } catch (error) {
          if (error instanceof RangeError) {
            throw badUserInput(error.message, error.message.startsWith('maxWidth') ? 'maxWidth' : 'maxFps');
          }
          throw error;
        }
      },
      resolve: (item: VideoItem, _args: unknown, context: ResolverContext) => {
        if (item instanceof VideoFailure) throw videoFailed(item);
        return context.serializer.toGraphQLVideoChunk(item);
      },
    },
    streamSettings: {
      subscribe: (_parent, _args, context) => context.subscriptions.settings(),
      resolve: (settings: StreamSettings) => toGraphQLSettings(settings),
    },
    cameraStatus: {
      subscribe: (_parent, _args, context) => context.subscriptions.statuses(),
      resolve: (camera: CameraInfo, _args: unknown, context: ResolverContext) => toGraphQLCamera(camera, context.motionCameras),
    },
    motionEvents: {
      subscribe: (_parent, { cameraId }, context) => {
        if (cameraId != null) requireCamera(context, cameraId);
        if (!context.eventHub) throw new Error('Motion events are not available');
        return context.eventHub.changes(cameraId ?? undefined);
      },
      resolve: (change: EventChange) => toGraphQLChange(change),
    },
  },
};
