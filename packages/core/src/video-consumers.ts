/**
 * The video consumers of a stream: who watches which camera's H.264 at which
 * size, which video variants each camera must therefore encode, and the
 * fan-out of each variant's chunks (one `GopFanout` per camera and variant).
 *
 * Video variants are planned like JPEG ones (variants.ts: widths snapped to
 * the ladder, first come first served) but against their own cap,
 * `maxVideoVariantsPerCamera` (default 2): each one is an encoder process.
 * A consumer without a camera id follows the active camera: on a switch it is
 * moved to the new camera's fan-out and starts again from its last keyframe.
 * @module
 */
import { type VariantSpec, normalizeVariant } from './frame.ts';
import { GopFanout, type GopSubscription } from './gop-fanout.ts';
import type { VariantDemand } from './protocol.ts';
import type { ServercamError } from './errors.ts';
import { type PlannedConsumer, planVariants, type VariantPlan } from './variants.ts';
import { VideoIterator } from './video-iterator.ts';
import { type VideoChunk, type VideoOptions, type VideoRequest, videoVariantKey } from './video.ts';

export interface VideoConsumerHost {
  hasCamera(cameraId: string): boolean;
  activeCameraId(): string;
  /** A video consumer came or went: plan again and report `cameraId`. */
  consumersChanged(cameraId: string): void;
}

export interface VideoConsumersOptions {
  /** Distinct video widths a camera encodes at most. */
  readonly maxVariants: number;
  /** The bound of each variant's cached GOP, and of a consumer's unread chunks, in bytes. */
  readonly maxGopBytes: number;
}

interface Entry {
  readonly cameraId: string | undefined;
  readonly spec: VariantSpec;
  readonly sink: VideoIterator | ListenerSink;
  /** Where it is attached: a camera's video variant. */
  at: { cameraId: string; key: string; subscription: GopSubscription } | undefined;
}

class ListenerSink {
  readonly #listener: (chunk: VideoChunk) => void;
  readonly #onError: ((error: ServercamError) => void) | undefined;
  closed = false;

  constructor(listener: (chunk: VideoChunk) => void, onError: ((error: ServercamError) => void) | undefined) {
    this.#listener = listener;
    this.#onError = onError;
  }

  write(chunk: VideoChunk): boolean {
    if (this.closed) return true;
    try {
      this.#listener(chunk);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
    return true;
  }

  fail(error: ServercamError): void {
    if (this.closed) return;
    this.closed = true;
    this.#onError?.(error);
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Caps the number of video variants, not only of widths: for JPEG, variants
 * of one width share its encode (`maxFps` only thins), but each video variant
 * is an encoder of its own. So at most `maxVariants` keys: first one per width
 * (in the order consumers came), then other rates of those widths while places
 * are left; a consumer of a key past the cap gets the first key of its width
 * (at that key's rate, which may be higher than it asked).
 */
function capKeys<C extends PlannedConsumer>(plan: VariantPlan<C>, maxVariants: number): VariantPlan<C> {
  if (plan.demand.length <= maxVariants) return plan;
  const byKey = new Map(plan.demand.map((variant) => [variant.key, variant]));
  const keys = [...plan.routes.keys()];
  const firstOfWidth = new Map<number | undefined, string>();
  for (const key of keys) {
    const width = byKey.get(key)?.maxWidth;
    if (!firstOfWidth.has(width)) firstOfWidth.set(width, key);
  }
  const kept = new Set(firstOfWidth.values());
  for (const key of keys) if (kept.size < maxVariants) kept.add(key);
  const routes = new Map<string, C[]>();
  for (const [key, consumers] of plan.routes) {
    const target = kept.has(key) ? key : firstOfWidth.get(byKey.get(key)?.maxWidth)!;
    routes.set(target, [...(routes.get(target) ?? []), ...consumers]);
  }
  return { demand: plan.demand.filter((variant) => kept.has(variant.key)), routes };
}

const fanoutId = (cameraId: string, key: string): string => `${cameraId}\n${key}`;

export class VideoConsumers {
  readonly #host: VideoConsumerHost;
  readonly #options: VideoConsumersOptions;
  readonly #entries = new Set<Entry>();
  readonly #fanouts = new Map<string, GopFanout<VideoChunk>>();
  #closed = false;

  constructor(host: VideoConsumerHost, options: VideoConsumersOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Video chunks as an async iterator; it throws the encoder's typed error if the encoder fails. */
  video(options: VideoOptions = {}): VideoIterator {
    let entry: Entry | undefined;
    const iterator = new VideoIterator(this.#options.maxGopBytes, () => {
      if (entry) this.#remove(entry);
    });
    const { signal } = options;
    entry = this.#add(options, iterator, signal?.aborted === true);
    if (!entry) iterator.close();
    else signal?.addEventListener('abort', () => iterator.close(), { once: true });
    return iterator;
  }

  /** Calls `listener` with each chunk, `onError` if the encoder fails (the subscription then ends). Returns the unsubscribe. */
  subscribe(request: VideoRequest, listener: (chunk: VideoChunk) => void, onError?: (error: ServercamError) => void): () => void {
    const sink = new ListenerSink(listener, onError);
    const entry = this.#add(request, sink, false);
    return () => {
      sink.close();
      if (entry) this.#remove(entry);
    };
  }

  /** How many video consumers watch a camera. */
  viewers(cameraId: string): number {
    return this.#entriesOf(cameraId).length;
  }

  /**
   * Plans a camera's video variants, attaches each consumer to its variant's
   * fan-out (a moved consumer starts from that variant's last keyframe), and
   * returns what the camera must encode.
   */
  plan(cameraId: string, sourceWidth: number | undefined): VariantDemand[] {
    const plan = capKeys(planVariants(this.#entriesOf(cameraId), { full: false, sourceWidth, maxVariants: this.#options.maxVariants }), this.#options.maxVariants);
    const demand: VariantDemand[] = [];
    const routed = new Set<Entry>();
    for (const variant of plan.demand) {
      const { key: _jpegKey, ...spec } = variant;
      const key = videoVariantKey(spec);
      demand.push({ ...spec, key, codec: 'h264' });
      const id = fanoutId(cameraId, key);
      let fanout = this.#fanouts.get(id);
      if (!fanout) {
        fanout = new GopFanout<VideoChunk>({ maxBytes: this.#options.maxGopBytes });
        this.#fanouts.set(id, fanout);
      }
      for (const entry of plan.routes.get(variant.key) ?? []) {
        routed.add(entry);
        if (entry.at?.cameraId === cameraId && entry.at.key === key) continue;
        entry.at?.subscription.close();
        entry.at = undefined;
        entry.at = { cameraId, key, subscription: fanout.add(entry.sink) };
      }
    }
    for (const entry of this.#entries) {
      if (entry.at?.cameraId === cameraId && !routed.has(entry)) {
        entry.at.subscription.close();
        entry.at = undefined;
      }
    }
    const keys = new Set(demand.map((variant) => variant.key));
    for (const id of this.#fanouts.keys()) {
      const [camera, key] = id.split('\n') as [string, string];
      if (camera === cameraId && !keys.has(key)) this.#fanouts.delete(id);
    }
    return demand;
  }

  /** Hands a chunk to the consumers of its camera's variant. */
  deliver(chunk: VideoChunk): void {
    this.#fanouts.get(fanoutId(chunk.cameraId, chunk.variant))?.push(chunk);
  }

  /** The fan-out of a camera's video variant, while it is planned (for its counters). */
  fanout(cameraId: string, key: string): GopFanout<VideoChunk> | undefined {
    return this.#fanouts.get(fanoutId(cameraId, key));
  }

  /** The encoder of a camera's variant failed: its consumers end with `error`, and its cached GOP is dropped. */
  fail(cameraId: string, key: string, error: ServercamError): void {
    this.#fanouts.get(fanoutId(cameraId, key))?.reset();
    for (const entry of [...this.#entries]) {
      if (entry.at?.cameraId === cameraId && entry.at.key === key) {
        this.#remove(entry);
        entry.sink.fail(error);
      }
    }
  }

  /** The camera's encoders are gone (the capture side was lost): cached GOPs are dropped, consumers wait for a keyframe. */
  resetCamera(cameraId: string): void {
    for (const [id, fanout] of this.#fanouts) if (id.startsWith(`${cameraId}\n`)) fanout.reset();
  }

  /** Ends every consumer; later ones end at once. */
  close(): void {
    this.#closed = true;
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const fanout of this.#fanouts.values()) fanout.clear();
    this.#fanouts.clear();
    for (const entry of entries) entry.sink.close();
  }

  #add(request: VideoRequest, sink: VideoIterator | ListenerSink, ended: boolean): Entry | undefined {
    if (request.cameraId !== undefined && !this.#host.hasCamera(request.cameraId)) {
      throw new TypeError(`Unknown camera "${request.cameraId}"`);
    }
    const entry: Entry = { cameraId: request.cameraId, spec: normalizeVariant(request), sink, at: undefined };
    if (this.#closed || ended) return undefined;
    this.#entries.add(entry);
    this.#host.consumersChanged(entry.cameraId ?? this.#host.activeCameraId());
    return entry;
  }

  #remove(entry: Entry): void {
    if (!this.#entries.delete(entry)) return;
    entry.at?.subscription.close();
    entry.at = undefined;
    if (!this.#closed) this.#host.consumersChanged(entry.cameraId ?? this.#host.activeCameraId());
  }

  #entriesOf(cameraId: string): Entry[] {
    const active = cameraId === this.#host.activeCameraId();
    return [...this.#entries].filter((entry) => entry.cameraId === cameraId || (active && entry.cameraId === undefined));
  }
}
