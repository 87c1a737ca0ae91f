/**
 * Fan-out of one encoded video variant to its consumers, keeping the current
 * GOP (group of pictures, from the last keyframe) so that:
 * - a **late joiner** starts at once from the last keyframe (the cached GOP is
 *   replayed to it, then live pictures follow);
 * - a **slow consumer** (its sink refuses a chunk) cannot skip single
 *   P-frames: it drops every chunk until the next keyframe, each counted;
 *   nothing is ever queued here.
 * The cache is bounded in bytes: a GOP that outgrows the bound is dropped, and
 * late joiners then wait for the next keyframe. Used by `ServerVideoStream`
 * and reusable by any other source of the same chunks (the Redis gateway).
 * @module
 */

/** What the fan-out needs of a chunk. */
export interface GopChunk {
  readonly keyframe: boolean;
  readonly data: Uint8Array;
}

/** A consumer's end of the fan-out. */
export interface GopSink<C extends GopChunk> {
  /** Takes a chunk; `false` when it cannot (it is behind): it then gets nothing until the next keyframe. */
  write(chunk: C): boolean;
  /** Told of each chunk dropped for it (refused, or skipped while waiting for a keyframe). */
  drop?(): void;
}

/** A sink's membership; `close()` removes it. */
export interface GopSubscription {
  /** Chunks dropped for this sink. */
  readonly dropped: number;
  close(): void;
}

export interface GopFanoutOptions {
  /** The bound of the cached GOP, in bytes of chunk data. */
  readonly maxBytes: number;
}

interface SinkState<C extends GopChunk> {
  readonly sink: GopSink<C>;
  /** Waiting for a keyframe: before its first chunk, or after one was refused. */
  waiting: boolean;
  /** Whether it has had a chunk (drops count only from then). */
  started: boolean;
  dropped: number;
}

/**
 * @example
 * ```ts
 * const fanout = new GopFanout<VideoChunk>({ maxBytes: 8 << 20 });
 * const subscription = fanout.add({ write: (chunk) => socket.writableLength < LIMIT && socket.write(chunk.data) !== undefined });
 * fanout.push(chunk); // from the encoder
 * ```
 */
export class GopFanout<C extends GopChunk> {
  readonly #maxBytes: number;
  readonly #sinks = new Set<SinkState<C>>();
  #gop: C[] = [];
  #gopBytes = 0;

  constructor(options: GopFanoutOptions) {
    if (!(options.maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${options.maxBytes}`);
    this.#maxBytes = options.maxBytes;
  }

  /** Bytes of the cached GOP (never more than `maxBytes`). */
  get cachedBytes(): number {
    return this.#gopBytes;
  }

  /** Chunks in the cached GOP; the first is a keyframe. */
  get cachedChunks(): number {
    return this.#gop.length;
  }

  /** Caches the chunk (a keyframe starts a new GOP) and hands it to every sink. */
  push(chunk: C): void {
    // A keyframe starts the GOP afresh; any other picture extends a cached one.
    const bytes = (chunk.keyframe ? 0 : this.#gopBytes) + chunk.data.byteLength;
    if ((chunk.keyframe || this.#gop.length > 0) && bytes <= this.#maxBytes) {
      if (chunk.keyframe) this.#gop = [];
      this.#gop.push(chunk);
      this.#gopBytes = bytes;
    } else {
      // Past the bound (or no keyframe cached): late joiners wait for the next keyframe.
      this.#gop = [];
      this.#gopBytes = 0;
    }
    for (const state of this.#sinks) this.#deliver(state, chunk);
  }

  /** Adds a sink: it gets the cached GOP at once (from its keyframe), then every new chunk. */
  add(sink: GopSink<C>): GopSubscription {
    const state: SinkState<C> = { sink, waiting: true, started: false, dropped: 0 };
    this.#sinks.add(state);
    for (const chunk of this.#gop) {
      if (!this.#sinks.has(state)) break;
      this.#deliver(state, chunk);
    }
    const sinks = this.#sinks;
    return {
      get dropped() {
        return state.dropped;
      },
      close() {
        sinks.delete(state);
      },
    };
  }

  /** Forgets the cached GOP (the encoder restarted or stopped); sinks stay and wait for the next keyframe. */
  reset(): void {
    this.#gop = [];
    this.#gopBytes = 0;
    for (const state of this.#sinks) state.waiting = true;
  }

  /** Removes every sink and the cache. */
  clear(): void {
    this.#sinks.clear();
    this.reset();
  }

  #deliver(state: SinkState<C>, chunk: C): void {
    if (state.waiting && !chunk.keyframe) {
      if (state.started) this.#drop(state);
      return;
    }
    if (state.sink.write(chunk)) {
      state.waiting = false;
      state.started = true;
    } else {
      state.waiting = true;
      state.started = true;
      this.#drop(state);
    }
  }

  #drop(state: SinkState<C>): void {
    state.dropped++;
    state.sink.drop?.();
  }
}
