/**
 * A `video` subscriber's chunks, as the transports read them (the same
 * {@link Feed} shape as a `frames` feed, so the fast path serves both):
 *
 * - A transport that skips a chunk (its socket was full) calls `drop()`: an
 *   H.264 decoder cannot skip a single P-frame, so the feed then skips every
 *   chunk up to the next keyframe, and counts them.
 * - An error of the core's video (the encoder missing or crashing) is given
 *   once as a {@link VideoFailure}, whose resolver makes it a GraphQL error
 *   with the core's `code`; then the feed ends.
 * @module
 */
import { isServercamError, redactSecrets } from '@servercam/core';
import type { Feed } from '../subscriptions.ts';
import type { VideoChunk } from '@servercam/core';

/** The video of a subscription ended by an error; `code` is the core's (`INTERNAL` for anything untyped). */
export class VideoFailure {
  readonly code: string;
  readonly message: string;
  constructor(code: string, message: string) {
    this.code = code;
    this.message = message;
  }

  static of(error: unknown): VideoFailure {
    // The core's typed errors (a gateway revives the capture node's: bus/redis-video.ts) keep their code.
    if (isServercamError(error)) return new VideoFailure(error.code, redactSecrets(error.message));
    return new VideoFailure('INTERNAL', 'Unexpected error.');
  }
}

export type VideoItem = VideoChunk | VideoFailure;

/** The core's video iterator, with the count of chunks it skipped for this reader. */
export type VideoIterator = AsyncIterableIterator<VideoChunk> & { readonly dropped: number };

export interface VideoFeed extends Feed<VideoItem> {
  /** Chunks skipped: by the core for a slow reader, and by this feed after a `drop()`. */
  dropped(): number;
}

/** Wraps `inner`; `onEnd` is called once when it ends (done, failed or returned). */
export function videoFeed(inner: VideoIterator, onEnd: () => void): VideoFeed {
  let skipping = false;
  let skipped = 0;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const feed: VideoFeed = {
    dropped: () => inner.dropped + skipped,
    drop: () => {
      skipped++;
      skipping = true;
    },
    next: async () => {
      for (;;) {
        if (ended) return { value: undefined, done: true };
        let result: IteratorResult<VideoChunk>;
        try {
          result = await inner.next();
        } catch (error) {
          if (ended) return { value: undefined, done: true };
          end();
          return { value: VideoFailure.of(error), done: false };
        }
        if (result.done) {
          end();
          return result;
        }
        if (skipping) {
          if (!result.value.keyframe) {
            skipped++;
            continue;
          }
          skipping = false;
        }
        return result;
      }
    },
    return: async () => {
      end();
      await inner.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return feed;
    },
  };
  return feed;
}
