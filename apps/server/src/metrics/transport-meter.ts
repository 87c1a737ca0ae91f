/**
 * Viewers, bytes and dropped frames per camera and transport: plain counters
 * the transports bump (the only metrics kept on the frame path), read by the
 * metrics collector at scrape time (metrics/registry.ts).
 *
 * - `mjpeg`: whole multipart parts as written (transports/mjpeg.ts).
 * - `mp4`: `stream.mp4`'s bytes as written; dropped: the H.264 chunks its
 *   client did not get (the core skips a slow reader's to the next keyframe).
 * - `graphql-ws`, `sse`: `frames` and `video` subscriptions; bytes are the
 *   frame's JPEG (the chunk's H.264 and `avcC`) as base64, the bulk of each
 *   message (the feed wrapper below). A frame a transport skips (its socket
 *   was full) is counted as dropped, not sent; for video, so is every chunk
 *   the feed then skips to the next keyframe (and that the core skipped).
 *
 * A transport bumps a viewer's counts through the {@link ViewerMeter} that
 * `open()` returned: no lookup per frame.
 * @module
 */
import type { Frame } from '@servercam/core';
import type { Feed, FrameFeedHandoff } from '../subscriptions.ts';
import type { VideoItem } from '../video/feed.ts';

export type Transport = 'mjpeg' | 'mp4' | 'graphql-ws' | 'sse';

interface Counts {
  viewers: number;
  bytes: number;
  dropped: number;
}

/** One viewer of a camera on a transport: its counts, bound. */
export interface ViewerMeter {
  sent(bytes: number): void;
  /** `count` frames (chunks) it did not get; default 1. */
  dropped(count?: number): void;
  /** The viewer ends (idempotent). */
  close(): void;
}

/** The base64 length of `bytes` bytes. */
const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

/** What a metered feed's item counts for: its camera and bytes (undefined: nothing, e.g. a video failure). */
type Measure<T> = (item: T) => { readonly cameraId: string; readonly bytes: number } | undefined;

/** A `frames` item: its JPEG as base64. */
export const measureFrame: Measure<Frame> = (frame) => ({ cameraId: frame.cameraId, bytes: base64Length(frame.data.byteLength) });

/** A `video` item: its access unit and `avcC` as base64 (a failure counts nothing). */
export const measureVideo: Measure<VideoItem> = (item) =>
  'data' in item ? { cameraId: item.cameraId, bytes: base64Length(item.data.byteLength) + (item.description ? base64Length(item.description.byteLength) : 0) } : undefined;

export class TransportMeter {
  /** Keyed `transport\ncamera`; cameras are configured ids, so the map stays small. */
  readonly #counts = new Map<string, Counts>();

  #of(transport: Transport, cameraId: string): Counts {
    const key = `${transport}\n${cameraId}`;
    let counts = this.#counts.get(key);
    if (!counts) {
      counts = { viewers: 0, bytes: 0, dropped: 0 };
      this.#counts.set(key, counts);
    }
    return counts;
  }

  /** A viewer starts: its counts, bound (bumped with no lookup). */
  open(transport: Transport, cameraId: string): ViewerMeter {
    const counts = this.#of(transport, cameraId);
    counts.viewers++;
    let open = true;
    return {
      sent: (bytes) => {
        counts.bytes += bytes;
      },
      dropped: (count = 1) => {
        counts.dropped += count;
      },
      close: () => {
        if (!open) return;
        open = false;
        counts.viewers--;
      },
    };
  }

  /** Every (transport, camera) seen so far, with its counts. */
  snapshot(): Array<{ transport: Transport; cameraId: string } & Readonly<Counts>> {
    return [...this.#counts].map(([key, counts]) => {
      const split = key.indexOf('\n');
      return { transport: key.slice(0, split) as Transport, cameraId: key.slice(split + 1), ...counts };
    });
  }

  /**
   * `feed`, counted: one viewer of `cameraId` on `transport` until it ends,
   * each item it yields as sent (`measure`: its camera, which may change for
   * the active-camera form, and bytes), and an item the transport then skips
   * (`drop()`) as dropped instead. `skipped`: the feed's own count of items it
   * did not give (a video feed's), counted as dropped in place of `drop()`s.
   */
  meterFeed<T>(feed: Feed<T>, transport: Transport, cameraId: string, measure: Measure<T>, skipped?: () => number): Feed<T> {
    const viewer = this.open(transport, cameraId);
    /** The camera whose counts the last item went to, and those counts (looked up again only when the camera changes). */
    let camera = cameraId;
    let counts = this.#of(transport, cameraId);
    let last: { readonly counts: Counts; readonly bytes: number } | undefined;
    let skippedSeen = 0;
    const countSkipped = (): void => {
      if (!skipped) return;
      const now = skipped();
      counts.dropped += now - skippedSeen;
      skippedSeen = now;
    };
    return {
      drop: () => {
        if (last) {
          last.counts.bytes -= last.bytes;
          if (!skipped) last.counts.dropped++;
          last = undefined;
        }
        feed.drop();
        countSkipped();
      },
      next: async () => {
        const result = await feed.next();
        countSkipped();
        if (result.done) {
          viewer.close();
          last = undefined;
          return result;
        }
        const measured = measure(result.value);
        if (measured) {
          if (measured.cameraId !== camera) {
            camera = measured.cameraId;
            counts = this.#of(transport, camera);
          }
          counts.bytes += measured.bytes;
          last = { counts, bytes: measured.bytes };
        } else {
          last = undefined;
        }
        return result;
      },
      return: async (value?: unknown) => {
        viewer.close();
        countSkipped();
        return feed.return ? feed.return(value) : { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

/** What a `frames` or `video` resolver knows: its context's transport marks and the handoff of a fast transport. */
interface FeedContext {
  readonly frameFeed?: FrameFeedHandoff | undefined;
}

/** graphql-ws operations carry their socket in the context (transports/graphql-ws.ts); HTTP ones are SSE. */
export function transportOf(context: object): Transport {
  return 'socket' in context ? 'graphql-ws' : 'sse';
}

/**
 * A `frames` or `video` subscription's feed, metered once: `make` is given the
 * handoff to pass to Subscriptions.frames (or video), and whichever way the
 * transport takes the feed (handed off, or returned), it gets the same metered
 * one. `skipped`: as for {@link TransportMeter.meterFeed}, read from the feed.
 */
export function meteredFeed<T extends object, F extends Feed<T>>(
  meter: TransportMeter | undefined,
  context: FeedContext & object,
  cameraId: string,
  measure: Measure<T>,
  make: (handoff: { take(feed: F): void } | undefined) => F,
  skipped?: (feed: F) => number,
): Feed<T> {
  if (!meter) return make(context.frameFeed);
  const transport = transportOf(context);
  let metered: Feed<T> | undefined;
  const wrap = (feed: F): Feed<T> => (metered ??= meter.meterFeed(feed, transport, cameraId, measure, skipped && (() => skipped(feed))));
  const handoff = context.frameFeed;
  return wrap(make(handoff ? { take: (feed: F) => handoff.take(wrap(feed)) } : undefined));
}
