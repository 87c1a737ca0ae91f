/**
 * Every live subscription of the server, whatever its transport, so that
 * shutdown can complete them all, and so that their counts and dropped frames
 * can be reported. Frames come from the core's conflating iterators and events
 * from {@link KeyedLatestIterator}: a slow subscriber never builds a backlog.
 * @module
 */
import type { CameraInfo, Frame, FrameRequest, StreamSettings } from '@servercam/core';
import type { FrameBus } from './bus/bus.ts';
import type { CameraDirectory } from './cameras.ts';
import { KeyedLatestIterator } from './keyed-latest.ts';

export interface SubscriptionStats {
  /** Live subscriptions by kind. */
  readonly frames: number;
  readonly streamSettings: number;
  readonly cameraStatus: number;
  /** Frames skipped for slow subscribers since start (a newer frame replaced an unread one). */
  readonly framesDropped: number;
}

/**
 * A subscriber's frames: a conflating iterator, plus `drop()` for a transport
 * that skips a frame itself (its socket was full), so that skips are counted.
 */
export interface FrameFeed extends AsyncIterableIterator<Frame> {
  drop(): void;
}

/**
 * How a transport takes the frames of a `frames` subscription that it runs
 * through GraphQL: the transport puts one in the operation's GraphQL context
 * (`frameFeed`, schema/context.ts) before it subscribes, and the feed that
 * {@link Subscriptions.frames} makes for that operation is handed to it, so the
 * transport reads the frames directly and serializes each one once for all its
 * subscribers, instead of per subscriber (transports/fast-frames.ts).
 */
export interface FrameFeedHandoff {
  take(feed: FrameFeed): void;
}

interface Live {
  readonly kind: 'frames' | 'streamSettings' | 'cameraStatus';
  close(): void;
  dropped(): number;
}

export class Subscriptions {
  readonly #stream: FrameBus;
  readonly #cameras: CameraDirectory;
  readonly #live = new Set<Live>();
  readonly #extra = new Set<() => void>();
  #framesDropped = 0;
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

  /** The shared settings on every change; a slow reader gets the newest. */
  settings(): AsyncIterableIterator<StreamSettings> {
    const iterator: KeyedLatestIterator<StreamSettings> = new KeyedLatestIterator(() => 'settings', () => {
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
    const iterator: KeyedLatestIterator<CameraInfo> = new KeyedLatestIterator((camera) => camera.id, () => {
      off();
      this.#live.delete(live);
    });
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
    const counts = { frames: 0, streamSettings: 0, cameraStatus: 0 };
    let dropped = this.#framesDropped;
    for (const live of this.#live) {
      counts[live.kind]++;
      dropped += live.dropped();
    }
    return { ...counts, framesDropped: dropped };
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
