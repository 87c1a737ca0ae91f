/**
 * Plays the chunks of the `video` subscription through a WebCodecs
 * `VideoDecoder` onto a surface (a `<canvas>`), without falling behind or
 * holding on to memory:
 * - a keyframe whose codec, `avcC` or size differs from the decoder's
 *   configures it (after `isConfigSupported` said yes, once per configuration);
 * - a delta frame is decoded only when it follows a decoded chunk of the same
 *   camera and the decoder keeps up; otherwise everything is dropped up to the
 *   next keyframe, since a P-frame without its reference decodes to garbage.
 *   Gaps in `seq` are normal (it counts captured frames, and the encoder skips
 *   some); the server never sends a delta whose reference it skipped;
 * - a decode error closes the decoder; the next keyframe starts a new one;
 * - a decoded frame is drawn when `requestFrame` calls back (the next
 *   animation frame on a page; the next task in the worker), one a newer frame
 *   overtakes before then is closed undrawn, and every frame is closed.
 * The WebCodecs classes come in through the options (see `webcodecs.ts`).
 * @module
 */
import { base64ToBytes } from '../frames/base64.ts';
import { LatestPicture, type PaintOptions } from '../frames/latest-picture.ts';
import { chunkInfo, sameConfig, type ChunkInfo, type PlayableChunk, type StreamConfig } from './chunk.ts';

/** What the player needs of a decoded frame (a `VideoFrame` in a browser). */
export interface DecodedFrame {
  /** The chunk's timestamp, in µs. */
  readonly timestamp: number;
  close(): void;
}

export interface DecoderConfig {
  readonly codec: string;
  readonly description: Uint8Array<ArrayBuffer>;
  readonly optimizeForLatency: true;
}

export interface EncodedChunkInit {
  readonly type: 'key' | 'delta';
  /** Capture time in µs since the epoch. */
  readonly timestamp: number;
  readonly data: Uint8Array<ArrayBuffer>;
}

/** What the player needs of a decoder (a `VideoDecoder` in a browser). */
export interface Decoder<C> {
  readonly state: 'unconfigured' | 'configured' | 'closed';
  readonly decodeQueueSize: number;
  configure(config: DecoderConfig): void;
  decode(chunk: C): void;
  close(): void;
}

export interface PlayerCounts {
  received: number;
  decoded: number;
  painted: number;
  /** Chunks skipped while waiting for a keyframe, and decoded frames a newer one overtook. */
  dropped: number;
  decodeErrors: number;
}

export interface H264PlayerOptions<F extends DecodedFrame, C> extends PaintOptions<F, ChunkInfo> {
  readonly createDecoder: (output: (frame: F) => void, error: (error: Error) => void) => Decoder<C>;
  readonly createChunk: (init: EncodedChunkInit) => C;
  readonly isConfigSupported: (config: DecoderConfig) => Promise<boolean>;
  /** Deltas arriving while the decoder holds this many chunks wait for the next keyframe (default 8, about 0.3 s at 30 fps). */
  readonly maxDecodeQueue?: number | undefined;
  readonly onDecodeError?: ((error: unknown, chunk: ChunkInfo | null) => void) | undefined;
  /** This browser cannot decode the stream's codec: time to fall back to JPEG. */
  readonly onUnsupported?: ((codec: string) => void) | undefined;
}

/** What `isConfigSupported` answers for: a configuration's codec and `avcC`. */
function supportKey(config: StreamConfig): string {
  return `${config.codec}\n${config.description}`;
}

/** Chunks held while `isConfigSupported` answers, at most; more wait for the next keyframe. */
const MAX_WAITING = 30;
/** Chunk descriptions kept for frames still in the decoder, at most. */
const MAX_IN_FLIGHT = 64;

export class H264Player<F extends DecodedFrame, C> {
  readonly counts: PlayerCounts = { received: 0, decoded: 0, painted: 0, dropped: 0, decodeErrors: 0 };
  readonly #options: H264PlayerOptions<F, C>;
  readonly #maxQueue: number;
  #decoder: Decoder<C> | null = null;
  #config: StreamConfig | null = null;
  #needKeyframe = true;
  /** The camera of the last chunk. */
  #lastCamera: string | null = null;
  /** `isConfigSupported` answers, by codec and description. */
  readonly #supported = new Map<string, boolean>();
  /** Chunks that arrived while `isConfigSupported` was asked. */
  #waiting: PlayableChunk[] | null = null;
  /** The chunks in the decoder, by timestamp. */
  readonly #inFlight = new Map<number, ChunkInfo>();
  #lastTimestamp = 0;
  readonly #latest: LatestPicture<F, ChunkInfo>;
  #closed = false;

  constructor(options: H264PlayerOptions<F, C>) {
    this.#options = options;
    this.#latest = new LatestPicture(options, this.counts);
    this.#maxQueue = options.maxDecodeQueue ?? 8;
  }

  /** Whether deltas are being skipped until the next keyframe. */
  get waitingForKeyframe(): boolean {
    return this.#needKeyframe;
  }

  /** Offers the next chunk of the stream. */
  push(chunk: PlayableChunk): void {
    if (this.#closed) return;
    this.counts.received++;
    this.#offer(chunk);
  }

  /** Stops playing: closes the decoder and every frame held. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiting = null;
    this.#closeDecoder();
    this.#latest.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Holds the chunk while a support check is pending, else takes it. */
  #offer(chunk: PlayableChunk): void {
    if (!this.#waiting) this.#accept(chunk);
    else if (this.#waiting.length < MAX_WAITING) this.#waiting.push(chunk);
    else this.#skip();
  }

  #accept(chunk: PlayableChunk): void {
    const sameCamera = this.#lastCamera === chunk.cameraId;
    this.#lastCamera = chunk.cameraId;
    const decoder = this.#decoder;
    if (!chunk.keyframe) {
      const usable = decoder !== null && decoder.state === 'configured';
      if (this.#needKeyframe || !sameCamera || !usable || decoder.decodeQueueSize >= this.#maxQueue) this.#skip();
      else this.#decode(decoder, chunk);
      return;
    }
    const description = chunk.description ?? (this.#config?.codec === chunk.codec ? this.#config.description : null);
    if (!description) {
      this.#skip();
      return;
    }
    const config: StreamConfig = { codec: chunk.codec, description, width: chunk.width, height: chunk.height };
    if (decoder && decoder.state === 'configured' && sameConfig(this.#config, config)) {
      this.#needKeyframe = false;
      this.#decode(decoder, chunk);
      return;
    }
    const key = supportKey(config);
    const supported = this.#supported.get(key);
    if (supported === false) {
      this.#skip();
    } else if (supported === undefined) {
      this.#check(key, config, chunk);
    } else {
      const configured = this.#configure(config, chunk);
      if (configured) this.#decode(configured, chunk);
    }
  }

  /** Asks whether the browser decodes `config`, holding the chunks that arrive meanwhile. */
  #check(key: string, config: StreamConfig, chunk: PlayableChunk): void {
    const waiting = [chunk];
    this.#waiting = waiting;
    const answer = this.#options.isConfigSupported(this.#decoderConfig(config)).catch(() => false);
    void answer.then((supported) => {
      if (this.#closed || this.#waiting !== waiting) return;
      this.#waiting = null;
      this.#supported.set(key, supported);
      if (!supported) this.#options.onUnsupported?.(config.codec);
      // A held keyframe may start another check: the chunks after it wait for that one.
      for (const held of waiting) this.#offer(held);
    });
  }

  #configure(config: StreamConfig, chunk: PlayableChunk): Decoder<C> | null {
    let decoder = this.#decoder;
    if (!decoder || decoder.state === 'closed') decoder = this.#decoder = this.#createDecoder();
    try {
      decoder.configure(this.#decoderConfig(config));
    } catch (error) {
      this.#fail(error, chunkInfo(chunk));
      return null;
    }
    this.#config = config;
    this.#needKeyframe = false;
    return decoder;
  }

  #decoderConfig(config: StreamConfig): DecoderConfig {
    return { codec: config.codec, description: base64ToBytes(config.description), optimizeForLatency: true };
  }

  #createDecoder(): Decoder<C> {
    const decoder: Decoder<C> = this.#options.createDecoder(
      (frame) => this.#output(decoder, frame),
      (error) => {
        if (this.#decoder === decoder) this.#fail(error, null);
      },
    );
    return decoder;
  }

  #decode(decoder: Decoder<C>, chunk: PlayableChunk): void {
    const info = chunkInfo(chunk);
    const captured = Date.parse(chunk.capturedAt) * 1000;
    // Timestamps only need to be distinct and increasing; capture times are, unless the clock jumps.
    const timestamp = Number.isFinite(captured) && captured > this.#lastTimestamp ? captured : this.#lastTimestamp + 1;
    this.#lastTimestamp = timestamp;
    this.#inFlight.set(timestamp, info);
    if (this.#inFlight.size > MAX_IN_FLIGHT) {
      const oldest = this.#inFlight.keys().next();
      if (!oldest.done) this.#inFlight.delete(oldest.value);
    }
    try {
      decoder.decode(this.#options.createChunk({ type: chunk.keyframe ? 'key' : 'delta', timestamp, data: base64ToBytes(chunk.data) }));
    } catch (error) {
      this.#fail(error, info);
    }
  }

  /** Drops a chunk: nothing decodes until the next keyframe. */
  #skip(): void {
    this.counts.dropped++;
    this.#needKeyframe = true;
  }

  /** A decode failed: this decoder is done; the next keyframe starts another. */
  #fail(error: unknown, info: ChunkInfo | null): void {
    this.counts.decodeErrors++;
    this.#needKeyframe = true;
    if (error instanceof Error && error.name === 'NotSupportedError' && this.#config) {
      this.#supported.set(supportKey(this.#config), false);
      this.#options.onUnsupported?.(this.#config.codec);
    }
    this.#closeDecoder();
    this.#options.onDecodeError?.(error, info);
  }

  #closeDecoder(): void {
    const decoder = this.#decoder;
    this.#decoder = null;
    this.#config = null;
    this.#inFlight.clear();
    if (decoder && decoder.state !== 'closed') decoder.close();
  }

  #output(decoder: Decoder<C>, frame: F): void {
    if (this.#closed || this.#decoder !== decoder) {
      frame.close();
      return;
    }
    this.counts.decoded++;
    const info = this.#inFlight.get(frame.timestamp);
    // Frames before this one that never came out will not: forget them.
    for (const timestamp of this.#inFlight.keys()) {
      if (timestamp > frame.timestamp) break;
      this.#inFlight.delete(timestamp);
    }
    if (!info) {
      frame.close();
      this.counts.dropped++;
      return;
    }
    this.#latest.offer(frame, info);
  }
}
