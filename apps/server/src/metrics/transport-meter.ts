/**
 * Viewers, bytes and dropped frames per camera and transport: plain counters
 * the transports bump (the only metrics kept on the frame path), read by the
 * metrics collector at scrape time (metrics/registry.ts).
 *
 * - `mjpeg`: whole multipart parts as written (transports/mjpeg.ts).
 * - `graphql-ws`, `sse`: `frames` subscriptions; bytes are the frame's JPEG as
 *   base64, the bulk of each message (the feed wrapper below). A frame a
 *   transport skips (its socket was full) is counted as dropped, not sent.
 * @module
 */
import type { Frame } from '@servercam/core';
import type { FrameFeed } from '../subscriptions.ts';

export type Transport = 'mjpeg' | 'graphql-ws' | 'sse';

interface Counts {
  viewers: number;
  bytes: number;
  dropped: number;
}

/** The base64 length of `bytes` bytes. */
const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

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

  /** A viewer starts; returns its end (idempotent). */
  open(transport: Transport, cameraId: string): () => void {
    const counts = this.#of(transport, cameraId);
    counts.viewers++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      counts.viewers--;
    };
  }

  sent(transport: Transport, cameraId: string, bytes: number): void {
    this.#of(transport, cameraId).bytes += bytes;
  }

  dropped(transport: Transport, cameraId: string): void {
    this.#of(transport, cameraId).dropped++;
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
   * each frame it yields as sent (its JPEG as base64), and a frame the
   * transport then skips (`drop()`) as dropped instead.
   */
  meterFeed(feed: FrameFeed, transport: Transport, cameraId: string): FrameFeed {
    const close = this.open(transport, cameraId);
    let last: Frame | undefined;
    return {
      drop: () => {
        if (last) {
          this.#of(transport, last.cameraId).bytes -= base64Length(last.data.byteLength);
          this.dropped(transport, last.cameraId);
          last = undefined;
        }
        feed.drop();
      },
      next: async () => {
        const result = await feed.next();
        if (result.done) {
          close();
          last = undefined;
          return result;
        }
        last = result.value;
        this.sent(transport, last.cameraId, base64Length(last.data.byteLength));
        return result;
      },
      return: async (value?: unknown) => {
        close();
        return feed.return ? feed.return(value) : { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

/** What a `frames` resolver knows: its context's transport marks and the handoff of a fast transport. */
interface FramesContext {
  readonly frameFeed?: { take(feed: FrameFeed): void } | undefined;
}

/** graphql-ws operations carry their socket in the context (transports/graphql-ws.ts); HTTP ones are SSE. */
export function transportOf(context: object): Transport {
  return 'socket' in context ? 'graphql-ws' : 'sse';
}

/**
 * A `frames` subscription's feed, metered once: `make` is given the handoff
 * to pass to Subscriptions.frames, and whichever way the transport takes the
 * feed (handed off, or returned), it gets the same metered one.
 */
export function meteredFrames(meter: TransportMeter | undefined, context: FramesContext & object, cameraId: string, make: (handoff: FramesContext['frameFeed']) => FrameFeed): FrameFeed {
  if (!meter) return make(context.frameFeed);
  const transport = transportOf(context);
  let metered: FrameFeed | undefined;
  const wrap = (feed: FrameFeed): FrameFeed => (metered ??= meter.meterFeed(feed, transport, cameraId));
  const handoff = context.frameFeed;
  return wrap(make(handoff ? { take: (feed) => handoff.take(wrap(feed)) } : undefined));
}
