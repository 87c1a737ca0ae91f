/**
 * The consumer bookkeeping shared by the frame registry (consumers.ts) and the
 * video one (video-consumers.ts): which consumers exist, which camera each
 * watches (a consumer without a camera id follows the active one), telling the
 * host when one comes or goes, and ending them all on close. What a consumer
 * is fed (JPEG frames, H.264 chunks) is its sink's business.
 * @module
 */
import { normalizeVariant, type VariantSpec } from './frame.ts';

/** A consumer as a registry keeps it. */
export interface Consumer {
  /** The camera asked for; `undefined` follows the active camera. */
  readonly cameraId: string | undefined;
  /** The request, `maxWidth` snapped; the variant it gets is planned per camera. */
  readonly spec: VariantSpec;
  /** Not a viewer (a recorder): not counted by `viewers`. */
  readonly background: boolean;
}

/** What the registry asks of the frame source it serves. */
export interface ConsumerHost {
  /** Whether a camera id exists; a request for another throws a `TypeError`. */
  hasCamera(cameraId: string): boolean;
  /** The active camera, which consumers without a camera id follow. */
  activeCameraId(): string;
  /**
   * A consumer came or went (never called on close). The host plans again
   * (the registry's `plan`) and reports `cameraId`, the camera the consumer
   * watched.
   */
  consumersChanged(cameraId: string): void;
  /**
   * A `value` listener came or went while the registry thins the active
   * camera's full size (`valueFps`, consumers.ts): the host plans again.
   */
  valueListenersChanged?(): void;
}

/** Who a consumer is: a camera (or the active one) and a variant. */
export interface ConsumerRequest extends VariantSpec {
  readonly cameraId?: string | undefined;
  readonly background?: boolean | undefined;
}

/** A consumer's end: what it is fed through, and how the registry ends it. */
export interface ConsumerSink {
  close(): void;
}

/** A consumer and its sink. */
export interface ConsumerEntry<S extends ConsumerSink> extends Consumer {
  readonly sink: S;
}

export class ConsumerSet<S extends ConsumerSink> {
  readonly #host: ConsumerHost;
  readonly #onRemove: ((entry: ConsumerEntry<S>) => void) | undefined;
  readonly #entries = new Set<ConsumerEntry<S>>();
  #closed = false;

  /** `onRemove` is called for each consumer that goes (not on close), before the host hears of it. */
  constructor(host: ConsumerHost, onRemove?: (entry: ConsumerEntry<S>) => void) {
    this.#host = host;
    this.#onRemove = onRemove;
  }

  /** Whether {@link close} was called: new consumers end at once. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * An iterator consumer: `create` makes the iterator (its `onClose` removes
   * the consumer), which ends at once when the set is closed or `signal` has
   * aborted, and on `signal`.
   * @throws {TypeError} for an unknown camera.
   */
  open<I extends S>(options: ConsumerRequest & { readonly signal?: AbortSignal | undefined }, create: (onClose: () => void) => I): I {
    let entry: ConsumerEntry<S> | undefined;
    const iterator = create(() => {
      if (entry) this.remove(entry);
    });
    const { signal } = options;
    entry = this.#add(options, iterator, signal?.aborted === true);
    if (!entry) iterator.close();
    else signal?.addEventListener('abort', () => iterator.close(), { once: true });
    return iterator;
  }

  /**
   * A listener consumer fed through `sink`; returns the unsubscribe, which
   * closes the sink.
   * @throws {TypeError} for an unknown camera.
   */
  listen(request: ConsumerRequest, sink: S): () => void {
    const entry = this.#add(request, sink, false);
    return () => {
      sink.close();
      if (entry) this.remove(entry);
    };
  }

  has(entry: ConsumerEntry<S>): boolean {
    return this.#entries.has(entry);
  }

  /** Removes a consumer (once); the host hears of it. */
  remove(entry: ConsumerEntry<S>): void {
    if (!this.#entries.delete(entry)) return;
    this.#onRemove?.(entry);
    if (!this.#closed) this.#host.consumersChanged(entry.cameraId ?? this.#host.activeCameraId());
  }

  /** The consumers of a camera: those asking for it, and those following it while it is active. */
  of(cameraId: string): ConsumerEntry<S>[] {
    const active = cameraId === this.#host.activeCameraId();
    return [...this.#entries].filter((entry) => entry.cameraId === cameraId || (active && entry.cameraId === undefined));
  }

  /** How many consumers watch a camera, background ones left out. */
  viewers(cameraId: string): number {
    return this.of(cameraId).filter((entry) => !entry.background).length;
  }

  values(): IterableIterator<ConsumerEntry<S>> {
    return this.#entries.values();
  }

  /** Ends every consumer (closes its sink); later ones end at once. */
  close(): void {
    this.#closed = true;
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const entry of entries) entry.sink.close();
  }

  #add(request: ConsumerRequest, sink: S, ended: boolean): ConsumerEntry<S> | undefined {
    if (request.cameraId !== undefined && !this.#host.hasCamera(request.cameraId)) {
      throw new TypeError(`Unknown camera "${request.cameraId}"`);
    }
    const entry: ConsumerEntry<S> = {
      cameraId: request.cameraId,
      spec: normalizeVariant(request),
      background: request.background === true,
      sink,
    };
    if (this.#closed || ended) return undefined;
    this.#entries.add(entry);
    this.#host.consumersChanged(entry.cameraId ?? this.#host.activeCameraId());
    return entry;
  }
}
