/**
 * The consumer registry: who watches which camera at which size, what each
 * camera must therefore encode, and the fan-out of every frame to its
 * consumers. `ServerVideoStream` is built on it, and so is any other source
 * of the same frames (the server's Redis gateway), so both treat consumers,
 * demand, conflation and listeners alike.
 *
 * The registry holds no camera state of its own: its host answers which
 * cameras exist and which is active, and is told when the consumers change
 * (to plan again with {@link ConsumerRegistry.plan} and report the camera).
 * @module
 */
import { conflating, LatestValueIterator } from './conflate.ts';
import { Emitter, type Listener } from './emitter.ts';
import { type Frame, normalizeVariant, type VariantSpec } from './frame.ts';
import type { VariantDemand } from './protocol.ts';
import { planVariants } from './variants.ts';

/** Which frames a consumer wants. */
export interface FrameRequest extends VariantSpec {
  /** A camera id; when omitted, the active camera, following it as it changes. */
  readonly cameraId?: string | undefined;
  /**
   * A background consumer (a recorder, say) receives frames like any other,
   * but is not counted among the camera's viewers (`CameraInfo.consumers`).
   */
  readonly background?: boolean | undefined;
}

export interface FramesOptions extends FrameRequest {
  /** Ends the iteration. */
  readonly signal?: AbortSignal | undefined;
}

/** A consumer as the registry keeps it. */
export interface Consumer {
  /** The camera asked for; `undefined` follows the active camera. */
  readonly cameraId: string | undefined;
  /** The request, `maxWidth` snapped; the variant it gets is planned per camera. */
  readonly spec: VariantSpec;
  /** Not a viewer (a recorder): not counted by {@link ConsumerRegistry.viewers}. */
  readonly background: boolean;
}

interface Entry extends Consumer {
  push(frame: Frame): void;
  /** Ends the consumer from the registry's side (on close). */
  end(): void;
}

/** What the registry asks of the frame source it serves. */
export interface ConsumerHost {
  /** Whether a camera id exists; a request for another throws a `TypeError`. */
  hasCamera(cameraId: string): boolean;
  /** The active camera, which consumers without a camera id follow. */
  activeCameraId(): string;
  /**
   * A consumer came or went (never called on close). The host plans again
   * ({@link ConsumerRegistry.plan}) and reports `cameraId`, the camera the
   * consumer watched.
   */
  consumersChanged(cameraId: string): void;
}

export interface ConsumerRegistryOptions {
  /** Distinct widths a camera encodes at most, full size included (`Infinity`: no cap). */
  readonly maxVariants: number;
}

/** A camera's plan input: whether it encodes its full size regardless, and its width once known. */
export interface CameraPlanInput {
  readonly full: boolean;
  readonly sourceWidth: number | undefined;
}

/**
 * The consumers of a frame source and the listeners of its events.
 *
 * @example
 * ```ts
 * const registry = new ConsumerRegistry<{ status: string }>(host, { maxVariants: 4 });
 * const demand = registry.plan('cam', { full: true, sourceWidth: 640 }); // what 'cam' must encode
 * registry.deliver(frame); // to every consumer of frame.cameraId's frame.variant
 * ```
 */
export class ConsumerRegistry<Events extends Record<string, unknown>> {
  readonly #host: ConsumerHost;
  readonly #maxVariants: number;
  readonly #consumers = new Set<Entry>();
  readonly #events = new Emitter<Events>();
  /** Per camera, the consumers of each variant key, as last planned. */
  readonly #routes = new Map<string, ReadonlyMap<string, readonly Entry[]>>();
  #closed = false;

  constructor(host: ConsumerHost, options: ConsumerRegistryOptions) {
    this.#host = host;
    this.#maxVariants = options.maxVariants;
  }

  /** Whether {@link close} was called: new consumers end at once. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Frames as an async iterator. A slow reader gets the newest frame, never a
   * backlog. Ends on `signal`, `return()` or {@link close}.
   * @throws {TypeError} for an unknown camera.
   */
  frames(options: FramesOptions = {}): LatestValueIterator<Frame> {
    let entry: Entry | undefined;
    const iterator = new LatestValueIterator<Frame>(() => {
      if (entry) this.#remove(entry);
    });
    const { signal } = options;
    entry = this.#add(options, (frame) => iterator.push(frame), () => iterator.close(), signal?.aborted === true);
    if (!entry) iterator.close();
    else signal?.addEventListener('abort', () => iterator.close(), { once: true });
    return iterator;
  }

  /**
   * Calls `listener` with each frame. If it returns a promise, frames that
   * arrive meanwhile are conflated to the newest. A throw or rejection is
   * rethrown asynchronously, never into the fan-out. Returns the unsubscribe.
   * @throws {TypeError} for an unknown camera.
   */
  subscribe(request: FrameRequest, listener: (frame: Frame) => void | Promise<void>): () => void {
    const delivery = conflating(listener, (error) => queueMicrotask(() => {
      throw error;
    }));
    const entry = this.#add(request, (frame) => delivery.push(frame), () => delivery.close(), false);
    return () => {
      delivery.close();
      if (entry) this.#remove(entry);
    };
  }

  /** Adds an event listener; returns the unsubscribe. A listener that throws stops neither the others nor the source. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    return this.#events.on(event, listener);
  }

  /** Calls every listener of `event`; a throw is rethrown asynchronously (emitter.ts). */
  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    this.#events.emit(event, value);
  }

  /** The consumers of a camera: those asking for it, and those following it while it is active. */
  consumersOf(cameraId: string): Consumer[] {
    return this.#entriesOf(cameraId);
  }

  /** How many consumers watch a camera, background ones left out. */
  viewers(cameraId: string): number {
    return this.#entriesOf(cameraId).filter((consumer) => !consumer.background).length;
  }

  /**
   * Plans one camera's variants (at most `maxVariants` widths, variants.ts),
   * keeps which consumers each one feeds for {@link deliver}, and returns what
   * the camera must encode, sorted by key.
   */
  plan(cameraId: string, input: CameraPlanInput): VariantDemand[] {
    const plan = planVariants(this.#entriesOf(cameraId), { ...input, maxVariants: this.#maxVariants });
    this.#routes.set(cameraId, plan.routes);
    return plan.demand;
  }

  /** Hands `frame` to every consumer planned for its camera's `frame.variant`. */
  deliver(frame: Frame): void {
    for (const entry of this.#routes.get(frame.cameraId)?.get(frame.variant) ?? []) {
      if (this.#consumers.has(entry)) entry.push(frame);
    }
  }

  /** Ends every consumer; later ones end at once. Listeners stay until {@link clearListeners}. */
  close(): void {
    this.#closed = true;
    const entries = [...this.#consumers];
    this.#consumers.clear();
    this.#routes.clear();
    for (const entry of entries) entry.end();
  }

  /** Removes every event listener. */
  clearListeners(): void {
    this.#events.clear();
  }

  #add(request: FrameRequest, push: (frame: Frame) => void, end: () => void, ended: boolean): Entry | undefined {
    if (request.cameraId !== undefined && !this.#host.hasCamera(request.cameraId)) {
      throw new TypeError(`Unknown camera "${request.cameraId}"`);
    }
    const entry: Entry = { cameraId: request.cameraId, spec: normalizeVariant(request), background: request.background === true, push, end };
    if (this.#closed || ended) return undefined;
    this.#consumers.add(entry);
    this.#host.consumersChanged(entry.cameraId ?? this.#host.activeCameraId());
    return entry;
  }

  #remove(entry: Entry): void {
    if (!this.#consumers.delete(entry)) return;
    this.#host.consumersChanged(entry.cameraId ?? this.#host.activeCameraId());
  }

  #entriesOf(cameraId: string): Entry[] {
    const active = cameraId === this.#host.activeCameraId();
    return [...this.#consumers].filter((c) => c.cameraId === cameraId || (active && c.cameraId === undefined));
  }
}
