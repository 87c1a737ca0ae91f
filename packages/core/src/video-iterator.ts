/**
 * The async iterator of a video consumer. It holds the chunks not yet read,
 * at most `maxBytes` of them and never across a keyframe: a keyframe that
 * arrives while older chunks are unread replaces them (the reader is behind,
 * so it skips to the newest GOP), and a chunk that would pass the bound is
 * refused (the fan-out then drops until the next keyframe). Every chunk
 * skipped either way is counted in `dropped`.
 * @module
 */
import type { GopSink } from './gop-fanout.ts';
import type { VideoChunk } from './video.ts';

export class VideoIterator implements AsyncIterableIterator<VideoChunk>, GopSink<VideoChunk> {
  #pending: VideoChunk[] = [];
  #pendingBytes = 0;
  #waiter: { resolve(result: IteratorResult<VideoChunk>): void; reject(error: unknown): void } | undefined;
  #error: unknown;
  #failed = false;
  #done = false;
  #dropped = 0;
  readonly #maxBytes: number;
  readonly #onClose: () => void;

  constructor(maxBytes: number, onClose: () => void) {
    this.#maxBytes = maxBytes;
    this.#onClose = onClose;
  }

  /** Chunks skipped: replaced by a newer keyframe, refused, or dropped until a keyframe. */
  get dropped(): number {
    return this.#dropped;
  }

  write(chunk: VideoChunk): boolean {
    if (this.#done) return true;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve({ value: chunk, done: false });
      return true;
    }
    if (chunk.keyframe && this.#pending.length > 0) {
      this.#dropped += this.#pending.length;
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    if (this.#pendingBytes + chunk.data.byteLength > this.#maxBytes) return false;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.data.byteLength;
    return true;
  }

  drop(): void {
    this.#dropped++;
  }

  /** Ends the iteration with `error`: the next `next()` rejects with it. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = error;
    this.#failed = true;
    this.#finish();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) {
      this.#failed = false;
      waiter.reject(error);
    }
  }

  next(): Promise<IteratorResult<VideoChunk>> {
    const chunk = this.#pending.shift();
    if (chunk) {
      this.#pendingBytes -= chunk.data.byteLength;
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#failed) {
      this.#failed = false;
      return Promise.reject(this.#error);
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<VideoChunk>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the iteration: unread chunks are discarded and a waiting `next()` resolves done. */
  close(): void {
    if (this.#done) return;
    this.#finish();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  #finish(): void {
    this.#done = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
