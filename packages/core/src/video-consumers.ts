/**
 * The video consumers of a stream: who watches which camera's H.264 at which
 * size, which video variants each camera must therefore encode, and the
 * fan-out of each variant's chunks (one `GopFanout` per camera and variant).
 *
 * Video variants are planned like JPEG ones (variants.ts: widths snapped to
 * the ladder, first come first served) but against their own cap,
 * `maxVideoVariantsPerCamera` (default 2), which counts keys, rates included
 * (`perKey`): each one is an encoder process.
 * A consumer without a camera id follows the active camera: on a switch it is
 * moved to the new camera's fan-out and starts again from its last keyframe.
 * @module
 */
import { type ConsumerEntry, type ConsumerHost, ConsumerSet } from './consumer-set.ts';
import { rethrowLater } from './emitter.ts';
import type { ServercamError } from './errors.ts';
import { GopFanout, type GopSink, type GopSubscription } from './gop-fanout.ts';
import type { VariantDemand } from './protocol.ts';
import { planVariants } from './variants.ts';
import { VideoIterator } from './video-iterator.ts';
import { VIDEO_CODEC, type VideoChunk, type VideoOptions, type VideoRequest } from './video.ts';

/** What the video consumers ask of their source: the same as the frame registry (consumers.ts). */
export type VideoConsumerHost = ConsumerHost;

export interface VideoConsumersOptions {
  /** Distinct video widths a camera encodes at most. */
  readonly maxVariants: number;
  /** The bound of each variant's cached GOP, and of a consumer's unread chunks, in bytes. */
  readonly maxGopBytes: number;
}

/** A video consumer's end: an iterator, or a listener. */
interface VideoSink extends GopSink<VideoChunk> {
  /** The encoder failed: the consumer ends with `error`. */
  fail(error: ServercamError): void;
  close(): void;
}

type Entry = ConsumerEntry<VideoSink>;

/** Where a consumer is attached: a camera's video variant. */
interface Attachment {
  readonly cameraId: string;
  readonly key: string;
  readonly subscription: GopSubscription;
}

class ListenerSink implements VideoSink {
  readonly #listener: (chunk: VideoChunk) => void;
  readonly #onError: ((error: ServercamError) => void) | undefined;
  #closed = false;

  constructor(listener: (chunk: VideoChunk) => void, onError: ((error: ServercamError) => void) | undefined) {
    this.#listener = listener;
    this.#onError = onError;
  }

  write(chunk: VideoChunk): boolean {
    if (this.#closed) return true;
    try {
      this.#listener(chunk);
    } catch (error) {
      rethrowLater(error);
    }
    return true;
  }

  fail(error: ServercamError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onError?.(error);
  }

  close(): void {
    this.#closed = true;
  }
}

export class VideoConsumers {
  readonly #options: VideoConsumersOptions;
  readonly #consumers: ConsumerSet<VideoSink>;
  readonly #attached = new Map<Entry, Attachment>();
  /** Per camera, the fan-out of each planned video variant. */
  readonly #fanouts = new Map<string, Map<string, GopFanout<VideoChunk>>>();

  constructor(host: ConsumerHost, options: VideoConsumersOptions) {
    this.#options = options;
    this.#consumers = new ConsumerSet<VideoSink>(host, (entry) => this.#detach(entry));
  }

  /** Video chunks as an async iterator; it throws the encoder's typed error if the encoder fails. */
  video(options: VideoOptions = {}): VideoIterator {
    return this.#consumers.open(options, (onClose) => new VideoIterator(this.#options.maxGopBytes, onClose));
  }

  /** Calls `listener` with each chunk, `onError` if the encoder fails (the subscription then ends). Returns the unsubscribe. */
  subscribe(request: VideoRequest, listener: (chunk: VideoChunk) => void, onError?: (error: ServercamError) => void): () => void {
    return this.#consumers.listen(request, new ListenerSink(listener, onError));
  }

  /** How many video consumers watch a camera. */
  viewers(cameraId: string): number {
    return this.#consumers.of(cameraId).length;
  }

  /**
   * Plans a camera's video variants, attaches each consumer to its variant's
   * fan-out (a moved consumer starts from that variant's last keyframe), and
   * returns what the camera must encode.
   */
  plan(cameraId: string, sourceWidth: number | undefined): VariantDemand[] {
    // Each video variant is an encoder: the cap counts keys, not widths.
    const plan = planVariants(this.#consumers.of(cameraId), { full: false, sourceWidth, maxVariants: this.#options.maxVariants, perKey: true });
    const previous = this.#fanouts.get(cameraId);
    const fanouts = new Map<string, GopFanout<VideoChunk>>();
    const demand: VariantDemand[] = [];
    const routed = new Set<Entry>();
    for (const variant of plan.demand) {
      const key = `${VIDEO_CODEC}:${variant.key}`;
      demand.push({ ...variant, key, codec: VIDEO_CODEC });
      const fanout = previous?.get(key) ?? new GopFanout<VideoChunk>({ maxBytes: this.#options.maxGopBytes });
      fanouts.set(key, fanout);
      for (const entry of plan.routes.get(variant.key) ?? []) {
        routed.add(entry);
        const at = this.#attached.get(entry);
        if (at?.cameraId === cameraId && at.key === key) continue;
        at?.subscription.close();
        this.#attached.delete(entry);
        // The cached GOP is replayed at once: a listener may unsubscribe meanwhile.
        const subscription = fanout.add(entry.sink);
        if (this.#consumers.has(entry)) this.#attached.set(entry, { cameraId, key, subscription });
        else subscription.close();
      }
    }
    for (const [entry, at] of this.#attached) {
      if (at.cameraId === cameraId && !routed.has(entry)) this.#detach(entry);
    }
    if (fanouts.size > 0) this.#fanouts.set(cameraId, fanouts);
    else this.#fanouts.delete(cameraId);
    return demand;
  }

  /** Hands a chunk to the consumers of its camera's variant. */
  deliver(chunk: VideoChunk): void {
    this.#fanouts.get(chunk.cameraId)?.get(chunk.variant)?.push(chunk);
  }

  /** The encoder of a camera's variant failed: its consumers end with `error`, and its cached GOP is dropped. */
  fail(cameraId: string, key: string, error: ServercamError): void {
    this.#fanouts.get(cameraId)?.get(key)?.reset();
    for (const [entry, at] of [...this.#attached]) {
      if (at.cameraId === cameraId && at.key === key) {
        this.#consumers.remove(entry);
        entry.sink.fail(error);
      }
    }
  }

  /** The camera's encoders are gone (the capture side was lost): cached GOPs are dropped, consumers wait for a keyframe. */
  resetCamera(cameraId: string): void {
    for (const fanout of this.#fanouts.get(cameraId)?.values() ?? []) fanout.reset();
  }

  /** Ends every consumer; later ones end at once. */
  close(): void {
    for (const fanouts of this.#fanouts.values()) for (const fanout of fanouts.values()) fanout.clear();
    this.#fanouts.clear();
    this.#attached.clear();
    this.#consumers.close();
  }

  #detach(entry: Entry): void {
    this.#attached.get(entry)?.subscription.close();
    this.#attached.delete(entry);
  }
}
