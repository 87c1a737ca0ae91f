/**
 * The GOP fan-out of one camera variant's H.264, as the gateway uses it
 * (bus/redis-video.ts): the current GOP is kept (bounded in bytes), so a new
 * consumer starts at once from the last keyframe; a consumer that falls
 * behind has its backlog dropped and skips to the next keyframe (counted),
 * never queueing past `maxQueue` chunks.
 * @module
 */
import type { VideoChunk } from './chunk.ts';

export interface VideoFanout {
  /** A chunk of the variant, in order. */
  push(chunk: VideoChunk): void;
  /** The variant's video failed: each reader gets `error` after what it holds, then ends; the GOP is forgotten. */
  fail(error: Error): void;
  /** A reader from the current GOP's keyframe on. */
  iterator(): AsyncIterableIterator<VideoChunk> & { readonly dropped: number };
  /** A listener, called with the current GOP at once, then each chunk. */
  subscribe(listener: (chunk: VideoChunk) => void): () => void;
  /** Ends every reader. */
  close(): void;
}

export interface VideoFanoutOptions {
  /** Bytes of the kept GOP at most (past it, new consumers wait for the next keyframe). Default 8 MiB. */
  readonly maxGopBytes?: number | undefined;
  /** Chunks a reader may hold unread before it skips to the next keyframe. Default 90. */
  readonly maxQueue?: number | undefined;
}

interface Reader {
  queue: VideoChunk[];
  skipping: boolean;
  dropped: number;
  error: Error | undefined;
  ended: boolean;
  wake: (() => void) | undefined;
}

export function videoFanout(options: VideoFanoutOptions = {}): VideoFanout {
  const maxGopBytes = options.maxGopBytes ?? 8 * 1024 * 1024;
  const maxQueue = options.maxQueue ?? 90;
  let gop: VideoChunk[] = [];
  let gopBytes = 0;
  const readers = new Set<Reader>();
  const listeners = new Set<(chunk: VideoChunk) => void>();

  const offer = (reader: Reader, chunk: VideoChunk): void => {
    if (reader.skipping) {
      if (!chunk.keyframe) {
        reader.dropped++;
        return;
      }
      reader.skipping = false;
    }
    if (reader.queue.length >= maxQueue) {
      // Behind: the backlog goes, and the reader resumes at the next keyframe.
      reader.dropped += reader.queue.length;
      reader.queue = [];
      if (!chunk.keyframe) {
        reader.skipping = true;
        reader.dropped++;
        return;
      }
    }
    reader.queue.push(chunk);
    reader.wake?.();
  };

  return {
    push(chunk) {
      if (chunk.keyframe) {
        gop = [];
        gopBytes = 0;
      }
      if (gop.length > 0 || chunk.keyframe) {
        gopBytes += chunk.data.byteLength;
        if (gopBytes <= maxGopBytes) gop.push(chunk);
        else gop = [];
      }
      for (const reader of readers) offer(reader, chunk);
      for (const listener of listeners) listener(chunk);
    },
    fail(error) {
      gop = [];
      gopBytes = 0;
      for (const reader of readers) {
        reader.error = error;
        reader.wake?.();
      }
      readers.clear();
    },
    iterator() {
      const reader: Reader = { queue: [...gop], skipping: gop.length === 0, dropped: 0, error: undefined, ended: false, wake: undefined };
      readers.add(reader);
      const iterator = {
        get dropped() {
          return reader.dropped;
        },
        next: async (): Promise<IteratorResult<VideoChunk>> => {
          for (;;) {
            const chunk = reader.queue.shift();
            if (chunk) return { value: chunk, done: false };
            if (reader.error) {
              const { error } = reader;
              reader.error = undefined;
              reader.ended = true;
              throw error;
            }
            if (reader.ended) return { value: undefined, done: true };
            await new Promise<void>((resolve) => (reader.wake = resolve));
            reader.wake = undefined;
          }
        },
        return: async (): Promise<IteratorResult<VideoChunk>> => {
          reader.ended = true;
          reader.queue = [];
          readers.delete(reader);
          reader.wake?.();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    subscribe(listener) {
      listeners.add(listener);
      for (const chunk of gop) listener(chunk);
      return () => void listeners.delete(listener);
    },
    close() {
      for (const reader of readers) {
        reader.ended = true;
        reader.wake?.();
      }
      readers.clear();
      listeners.clear();
    },
  };
}
