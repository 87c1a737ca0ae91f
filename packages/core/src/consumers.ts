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
import { type Consumer, type ConsumerEntry, type ConsumerHost, ConsumerSet } from './consumer-set.ts';
import { Emitter, type Listener, rethrowLater } from './emitter.ts';
import type { Frame, VariantSpec } from './frame.ts';
import type { VariantDemand } from './protocol.ts';
import { checkValueFps } from './settings.ts';
import { planVariants, type VariantPlanOptions } from './variants.ts';

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

export type { Consumer, ConsumerHost } from './consumer-set.ts';

/** What a frame consumer is fed through: an iterator, or a conflating listener. */
interface FrameSink {
  push(frame: Frame): void;
  close(): void;
}

export interface ConsumerRegistryOptions {
  /** Distinct widths a camera encodes at most, full size included (`Infinity`: no cap). */
  readonly maxVariants: number;
  /**
   * How often the active camera's full size is planned while no consumer takes
   * it at the full rate and nothing listens to `value` (the stream's
   * `valueFps`; 0, the default: every frame). A `value` listener coming or
   * going is told to the host (`valueListenersChanged`).
   * @throws {RangeError} from the constructor, outside 0 to `MAX_FPS`.
   */
  readonly valueFps?: number | undefined;
}

/** A camera's plan input: whether it encodes its full size regardless, and its width once known. */
export type CameraPlanInput = Pick<VariantPlanOptions, 'full' | 'sourceWidth'>;

/** The event whose listeners see every frame of the active camera's full size (`StreamEvents.value`). */
const VALUE_EVENT = 'value';

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
  readonly #maxVariants: number;
  readonly #valueFps: number;
  readonly #host: ConsumerHost;
  readonly #consumers: ConsumerSet<FrameSink>;
  readonly #events = new Emitter<Events>();
  /** Per camera, the consumers of each variant key, as last planned. */
  readonly #routes = new Map<string, ReadonlyMap<string, readonly ConsumerEntry<FrameSink>[]>>();

  constructor(host: ConsumerHost, options: ConsumerRegistryOptions) {
    this.#consumers = new ConsumerSet<FrameSink>(host);
    this.#host = host;
    this.#maxVariants = options.maxVariants;
    this.#valueFps = checkValueFps(options.valueFps ?? 0);
  }

  /** Whether {@link close} was called: new consumers end at once. */
  get closed(): boolean {
    return this.#consumers.closed;
  }

  /**
   * Frames as an async iterator. A slow reader gets the newest frame, never a
   * backlog. Ends on `signal`, `return()` or {@link close}.
   * @throws {TypeError} for an unknown camera.
   */
  frames(options: FramesOptions = {}): LatestValueIterator<Frame> {
    return this.#consumers.open(options, (onClose) => new LatestValueIterator<Frame>(onClose));
  }

  /**
   * Calls `listener` with each frame. If it returns a promise, frames that
   * arrive meanwhile are conflated to the newest. A throw or rejection is
   * rethrown asynchronously, never into the fan-out. Returns the unsubscribe.
   * @throws {TypeError} for an unknown camera.
   */
  subscribe(request: FrameRequest, listener: (frame: Frame) => void | Promise<void>): () => void {
    return this.#consumers.listen(request, conflating(listener, rethrowLater));
  }

  /**
   * Adds an event listener; returns the unsubscribe. A listener that throws
   * stops neither the others nor the source. A `value` listener takes the
   * full size like a consumer (the original's watchers of `value` see every
   * frame): with `valueFps`, the host plans again when one comes or goes.
   */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.#events.on(event, listener);
    if (event !== VALUE_EVENT || this.#valueFps === 0) return off;
    this.#host.valueListenersChanged?.();
    return () => {
      off();
      this.#host.valueListenersChanged?.();
    };
  }

  /** Calls every listener of `event`; a throw is rethrown asynchronously (emitter.ts). */
  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    this.#events.emit(event, value);
  }

  /** The consumers of a camera: those asking for it, and those following it while it is active. */
  consumersOf(cameraId: string): Consumer[] {
    return this.#consumers.of(cameraId);
  }

  /** How many consumers watch a camera, background ones left out. */
  viewers(cameraId: string): number {
    return this.#consumers.viewers(cameraId);
  }

  /**
   * Plans one camera's variants (at most `maxVariants` widths, variants.ts),
   * keeps which consumers each one feeds for {@link deliver}, and returns what
   * the camera must encode, sorted by key.
   */
  plan(cameraId: string, input: CameraPlanInput): VariantDemand[] {
    const thinned = this.#valueFps > 0 && this.#events.listenerCount(VALUE_EVENT as keyof Events) === 0;
    const fullMaxFps = thinned ? this.#valueFps : undefined;
    const plan = planVariants(this.#consumers.of(cameraId), { ...input, fullMaxFps, maxVariants: this.#maxVariants });
    this.#routes.set(cameraId, plan.routes);
    return plan.demand;
  }

  /** Hands `frame` to every consumer planned for its camera's `frame.variant`. */
  deliver(frame: Frame): void {
    for (const entry of this.#routes.get(frame.cameraId)?.get(frame.variant) ?? []) {
      if (this.#consumers.has(entry)) entry.sink.push(frame);
    }
  }

  /** Ends every consumer; later ones end at once. Listeners stay until {@link clearListeners}. */
  close(): void {
    this.#routes.clear();
    this.#consumers.close();
  }

  /** Removes every event listener. */
  clearListeners(): void {
    this.#events.clear();
  }
}
