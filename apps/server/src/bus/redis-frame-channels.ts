/**
 * The frame (or video) channels a gateway is subscribed to
 * (bus/redis-gateway.ts, bus/redis-video.ts): which camera and variant each
 * one's messages must be of, the keys of the gateway's plan it feeds, and the
 * last frame given for each key, so a republished picture is not delivered
 * twice (not even when a key moves to another channel: `f1` to `full`).
 *
 * A channel is named by its variant as the capture node names it (`wireKey`,
 * the variant key of the spec asked for). That is the plan's key, except for
 * the active camera's thinned full size (the plan's `full` at `maxFps`,
 * `valueFps`), which the capture node publishes as `f1`: one channel may then
 * feed two keys of the plan (`full` and a consumer's own `f1`).
 * @module
 */
import type { Frame, VariantDemand } from '@servercam/core';

/** A frame as received, and when, by this process's monotonic clock (`performance.now()`). */
export interface ReceivedFrame {
  readonly frame: Frame;
  readonly at: number;
}

/** What a frame channel carries. */
export interface ChannelTarget {
  readonly cameraId: string;
  /** The variant its messages say they are (the capture node's name for it). */
  readonly variant: string;
  /** The keys of the plan it feeds, sorted. */
  readonly keys: readonly string[];
}

export class FrameChannels {
  readonly #name: (cameraId: string, variant: string) => string;
  readonly #prefix: string;
  readonly #wireKey: (demand: VariantDemand) => string;
  readonly #targets = new Map<string, ChannelTarget>();
  /** Per `cameraId\nkey`, the last frame's `seq:capturedAt`. */
  readonly #last = new Map<string, string>();
  /** Per channel, the last frame received. */
  readonly #lastFrame = new Map<string, ReceivedFrame>();

  /**
   * `name`: a camera variant's channel; `prefix`: the start of every channel of this kind (`Channels.frame` and
   * `Channels.framePrefix`); `wireKey`: the variant a demanded one is published as (default: its key).
   */
  constructor(name: (cameraId: string, variant: string) => string, prefix: string, wireKey: (demand: VariantDemand) => string = ({ key }) => key) {
    this.#name = name;
    this.#prefix = prefix;
    this.#wireKey = wireKey;
  }

  /** Whether `channel` is of this kind (subscribed or not). */
  covers(channel: string): boolean {
    return channel.startsWith(this.#prefix);
  }

  /** What `channel` carries, if subscribed. */
  target(channel: string): ChannelTarget | undefined {
    return this.#targets.get(channel);
  }

  /** Whether some wanted channel feeds the plan's `key` of a camera. */
  has(cameraId: string, key: string): boolean {
    return this.#channelOf(cameraId, key) !== undefined;
  }

  /** The wanted channel that feeds the plan's `key` of a camera. */
  #channelOf(cameraId: string, key: string): string | undefined {
    for (const [channel, target] of this.#targets) if (target.cameraId === cameraId && target.keys.includes(key)) return channel;
    return undefined;
  }

  /** Makes the demand's channels the wanted ones (and the keys each feeds); returns those to subscribe to and to leave. */
  sync(demand: ReadonlyMap<string, readonly VariantDemand[]>): { added: string[]; removed: string[] } {
    const wanted = new Map<string, { cameraId: string; variant: string; keys: string[] }>();
    for (const [cameraId, variants] of demand) {
      for (const variant of variants) {
        const wire = this.#wireKey(variant);
        const channel = this.#name(cameraId, wire);
        const target = wanted.get(channel);
        if (target) target.keys.push(variant.key);
        else wanted.set(channel, { cameraId, variant: wire, keys: [variant.key] });
      }
    }
    const added = [...wanted.keys()].filter((channel) => !this.#targets.has(channel));
    const removed = [...this.#targets.keys()].filter((channel) => !wanted.has(channel));
    for (const channel of removed) {
      this.#targets.delete(channel);
      this.#lastFrame.delete(channel);
    }
    // A kept channel may feed other keys now (the thinned full size beside a consumer's own `f1`).
    const keys = new Set<string>();
    for (const [channel, target] of wanted) {
      this.#targets.set(channel, { ...target, keys: target.keys.sort() });
      for (const key of target.keys) keys.add(`${target.cameraId}\n${key}`);
    }
    for (const key of this.#last.keys()) if (!keys.has(key)) this.#last.delete(key);
    return { added, removed };
  }

  /** Takes a frame received on `channel`: the keys of `target` it is new for (and remembers it), and when it came. */
  receive(channel: string, target: ChannelTarget, frame: Frame): { keys: string[]; at: number } {
    const at = performance.now();
    this.#lastFrame.set(channel, { frame, at });
    const mark = `${frame.seq}:${frame.capturedAt}`;
    const keys = target.keys.filter((key) => {
      const id = `${target.cameraId}\n${key}`;
      if (this.#last.get(id) === mark) return false;
      this.#last.set(id, mark);
      return true;
    });
    return { keys, at };
  }

  /** The last frame received on the channel that feeds a camera's `key` now. */
  lastFrame(cameraId: string, key: string): ReceivedFrame | undefined {
    const channel = this.#channelOf(cameraId, key);
    return channel === undefined ? undefined : this.#lastFrame.get(channel);
  }

  /** Forgets the last frames (a new capture node numbers its frames anew). */
  forgetFrames(): void {
    this.#last.clear();
    this.#lastFrame.clear();
  }
}
