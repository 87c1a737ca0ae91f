/**
 * The frame (or video) channels a gateway is subscribed to
 * (bus/redis-gateway.ts, bus/redis-video.ts): which camera and variant each
 * one's messages must be of, and the last frame seen on each, so a
 * republished picture is not delivered twice.
 * @module
 */
import type { Frame, VariantDemand } from '@servercam/core';

/** What a frame channel carries. */
export interface ChannelTarget {
  readonly cameraId: string;
  readonly variant: string;
}

export class FrameChannels {
  readonly #name: (cameraId: string, variant: string) => string;
  readonly #prefix: string;
  readonly #targets = new Map<string, ChannelTarget>();
  /** Per channel, the last frame's `seq:capturedAt`. */
  readonly #last = new Map<string, string>();

  /** `name`: a camera variant's channel; `prefix`: the start of every channel of this kind (`Channels.frame` and `Channels.framePrefix`). */
  constructor(name: (cameraId: string, variant: string) => string, prefix: string) {
    this.#name = name;
    this.#prefix = prefix;
  }

  /** Whether `channel` is of this kind (subscribed or not). */
  covers(channel: string): boolean {
    return channel.startsWith(this.#prefix);
  }

  /** What `channel` carries, if subscribed. */
  target(channel: string): ChannelTarget | undefined {
    return this.#targets.get(channel);
  }

  /** Whether the channel of a camera's variant is wanted. */
  has(cameraId: string, variant: string): boolean {
    return this.#targets.has(this.#name(cameraId, variant));
  }

  /** Makes the demand's channels the wanted ones; returns those to subscribe to and to leave. */
  sync(demand: ReadonlyMap<string, readonly VariantDemand[]>): { added: string[]; removed: string[] } {
    const wanted = new Map<string, ChannelTarget>();
    for (const [cameraId, variants] of demand) for (const { key } of variants) wanted.set(this.#name(cameraId, key), { cameraId, variant: key });
    const added = [...wanted.keys()].filter((channel) => !this.#targets.has(channel));
    const removed = [...this.#targets.keys()].filter((channel) => !wanted.has(channel));
    for (const channel of removed) {
      this.#targets.delete(channel);
      this.#last.delete(channel);
    }
    for (const channel of added) this.#targets.set(channel, wanted.get(channel)!);
    return { added, removed };
  }

  /** Whether `frame` is new on `channel` (and remembers it). */
  fresh(channel: string, frame: Frame): boolean {
    const mark = `${frame.seq}:${frame.capturedAt}`;
    if (this.#last.get(channel) === mark) return false;
    this.#last.set(channel, mark);
    return true;
  }

  /** Forgets the last frames (a new capture node numbers its frames anew). */
  forgetFrames(): void {
    this.#last.clear();
  }
}
