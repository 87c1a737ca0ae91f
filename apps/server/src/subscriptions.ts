/**
 * Every live subscription of the server, whatever its transport, so that
 * shutdown can complete them all, and so that their counts and dropped frames
 * can be reported. Frames come from the core's conflating iterators and events
 * from the core's {@link LatestValueIterator}: a slow subscriber never builds a backlog.
 * @module
 */
import { LatestValueIterator, type CameraInfo, type Frame, type FrameRequest, type StreamSettings } from '@servercam/core';
import type { FrameBus } from './bus/bus.ts';
import type { CameraDirectory } from './cameras.ts';
import type { VideoRequest } from '@servercam/core';
import { type VideoFeed, videoFeed } from './video/feed.ts';

export interface SubscriptionStats {
  /** Live subscriptions by kind. */
  readonly frames: number;
  readonly streamSettings: number;
  readonly cameraStatus: number;
  readonly video: number;
  /** Frames skipped for slow subscribers since start (a newer frame replaced an unread one). */
  readonly framesDropped: number;
  /** Video chunks skipped for slow subscribers since start (each skip runs to the next keyframe). */
  readonly videoChunksDropped: number;
}

/**
 * A subscriber's items (frames, or video chunks), plus `drop()` for a
 * transport that skips the last one itself (its socket was full), so that
 * skips are counted (and video resumes at a keyframe: video/feed.ts).
 */
export interface Feed<T> extends AsyncIterableIterator<T> {
  drop(): void;
}

/** A subscriber's frames: a conflating iterator (a slow reader gets the newest frame). */
export type FrameFeed = Feed<Frame>;

/**
 * How a transport takes the frames of a `frames` subscription that it runs
 * through GraphQL: the transport puts one in the operation's GraphQL context
 * (`frameFeed`, schema/context.ts) before it subscribes, and the feed that
 * {@link Subscriptions.frames} makes for that operation is handed to it, so the
 * transport reads the frames directly and serializes each one once for all its
 * subscribers, instead of per subscriber (transports/fast-frames.ts).
 */
export interface FrameFeedHandoff {
  /** A `frames` or a `video` feed (their items are the operation's root values). */
  take(feed: Feed<object>): void;
}

interface Live {
  readonly kind: 'frames' | 'streamSettings' | 'cameraStatus' | 'video';
  close(): void;
  dropped(): number;
}

export class Subscriptions {
  readonly #stream: FrameBus;
  readonly #cameras: CameraDirectory;
  readonly #live = new Set<Live>();
  readonly #extra = new Set<() => void>();
  #framesDropped = 0;
  #videoDropped = 0;
  #closed = false;

  constructor(stream: FrameBus, cameras: CameraDirectory) {
    this.#stream = stream;
    this.#cameras = cameras;
  }

  /**
   * Frames of a camera (or of the active camera, following it). A full-size
   * subscriber starts with the current picture, so a paused stream shows at
   * once. Throws TypeError/RangeError for a bad request. `handoff`: the
   * operation's context's `frameFeed`, when a transport asked for the feed.
   * `allow`: the cameras whose frames may be given (a caller's scope,
   * access/scope.ts); frames of others (the active camera, when it changes to
   * one out of scope) are skipped.
   */
  frames(request: FrameRequest, handoff?: FrameFeedHandoff, allow?: (cameraId: string) => boolean): FrameFeed {
    const controller = new AbortController();
    const inner = this.#stream.frames({ ...request, signal: controller.signal });
    if (request.maxWidth === undefined) {
      const cameraId = request.cameraId ?? this.#stream.activeCameraId;
      const status = this.#cameras.get(cameraId)?.status;
      const latest = this.#stream.latest(cameraId);
      if (latest && (status === 'live' || status === 'paused') && (allow?.(cameraId) ?? true)) inner.push(latest);
    }
    let skipped = 0;
    const release = (): void => {
      if (this.#live.delete(live)) this.#framesDropped += inner.dropped + skipped;
    };
    const live: Live = {
      kind: 'frames',
      close: () => {
        controller.abort();
        release();
      },
      dropped: () => inner.dropped + skipped,
    };
    this.#track(live);
    const feed: FrameFeed = {
      drop: () => {
        if (this.#live.has(live)) skipped++;
        else this.#framesDropped++;
      },
      next: async () => {
        for (;;) {
          const result = await inner.next();
          if (result.done) release();
          if (result.done || !allow || allow(result.value.cameraId)) return result;
        }
      },
      return: async () => {
        release();
        return inner.return();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    handoff?.take(feed);
    return feed;
  }

  /**
   * A `video` subscriber's H.264 chunks of a camera (or of the active camera),
   * from the current GOP's keyframe on (the core's video). Throws
   * TypeError/RangeError for a bad request. `handoff` and `allow`: as for
   * {@link frames}.
   */
  video(request: VideoRequest, handoff?: FrameFeedHandoff, allow?: (cameraId: string) => boolean): VideoFeed {
    const controller = new AbortController();
    const inner = this.#stream.video({ ...request, signal: controller.signal });
    const release = (): void => {
      if (this.#live.delete(live)) this.#videoDropped += feed.dropped();
    };
    const live: Live = {
      kind: 'video',
      close: () => {
        controller.abort();
        void feed.return?.();
      },
      dropped: () => feed.dropped(),
    };
    const feed = videoFeed(inner, release, allow);
    this.#track(live);
    handoff?.take(feed);
    return feed;
  }

  /** The shared settings on every change; a slow reader gets the newest. */
  settings(): AsyncIterableIterator<StreamSettings> {
    const iterator: LatestValueIterator<StreamSettings> = new LatestValueIterator(() => {
      off();
      this.#live.delete(live);
    });
    const off = this.#stream.on('settings', (settings) => iterator.push(settings));
    const live: Live = { kind: 'streamSettings', close: () => iterator.close(), dropped: () => 0 };
    this.#track(live);
    return iterator;
  }

  /** Every status change of any camera (that `allow` lets through); a slow reader gets the newest status of each camera. */
  statuses(allow?: (cameraId: string) => boolean): AsyncIterableIterator<CameraInfo> {
    const iterator: LatestValueIterator<CameraInfo> = new LatestValueIterator(
      () => {
        off();
        this.#live.delete(live);
      },
      undefined,
      (camera) => camera.id,
    );
    const off = this.#cameras.onStatus((camera) => {
      if (allow?.(camera.id) ?? true) iterator.push(camera);
    });
    const live: Live = { kind: 'cameraStatus', close: () => iterator.close(), dropped: () => 0 };
    this.#track(live);
    return iterator;
  }

  /** Registers another long-lived response (an MJPEG stream) to end on close; returns the unregister. */
  hold(close: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(close);
      return () => {};
    }
    this.#extra.add(close);
    return () => void this.#extra.delete(close);
  }

  stats(): SubscriptionStats {
    const counts = { frames: 0, streamSettings: 0, cameraStatus: 0, video: 0 };
    let dropped = this.#framesDropped;
    let videoDropped = this.#videoDropped;
    for (const live of this.#live) {
      counts[live.kind]++;
      if (live.kind === 'video') videoDropped += live.dropped();
      else dropped += live.dropped();
    }
    return { ...counts, framesDropped: dropped, videoChunksDropped: videoDropped };
  }

  /** Completes every subscription and ends every held response; later ones end at once. */
  close(): void {
    this.#closed = true;
    for (const live of [...this.#live]) live.close();
    for (const close of [...this.#extra]) close();
    this.#extra.clear();
  }

  #track(live: Live): void {
    this.#live.add(live);
    if (this.#closed) live.close();
  }
}
