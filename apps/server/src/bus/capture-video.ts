/**
 * The capture node's H.264 publishing (bus/capture-node.ts holds one per
 * node): for each camera variant some gateway demands, one reader of the
 * core's video, whose chunks are published on `P:video:<cameraId>:<variant>`
 * (bus/redis-video-protocol.ts).
 *
 * - Never a broken GOP: a chunk that cannot be published (Redis away or its
 *   socket full) makes the variant skip to the next keyframe.
 * - A gateway that starts watching a variant already published gets the
 *   current GOP again at once (`replay`), so its viewers start from a keyframe;
 *   gateways pass over chunks they already had (by `n`, the message's number
 *   in its reader: bus/redis-video.ts).
 * - A failure of the core's video (the encoder missing or crashing) is
 *   published as an `error` message with the core's code, and the variant is
 *   read again after `retryMs` while it is demanded.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { sleep, type VariantSpec } from '@servercam/core';
import type { VideoChunk } from '@servercam/core';
import { VideoFailure } from '../video/feed.ts';
import type { FrameBus } from './bus.ts';
import { encodeVideoChunk, encodeVideoError } from './redis-video-protocol.ts';

/** Where and how chunks go: the capture node's Redis connection. */
export interface VideoSink {
  /** Whether a message may be published now (connected, and its socket not full). */
  ready(): boolean;
  publish(channel: string, message: Buffer): Promise<unknown>;
  channel(cameraId: string, variant: string): string;
}

export interface VideoPublishStats {
  readonly chunksPublished: number;
  readonly chunksDropped: number;
}

/** A GOP kept for replay is at most this many bytes (then it is not kept, and a new gateway waits for the next keyframe). */
const MAX_GOP_BYTES = 8 * 1024 * 1024;

class Held {
  readonly controller = new AbortController();
  /** This reader's id and the number of its next chunk (published or skipped): gateways see gaps and repeats by them. */
  readonly stream = randomUUID().slice(0, 18);
  n = 0;
  /** The current GOP as published (its messages), for gateways that start watching. */
  gop: Buffer[] = [];
  gopBytes = 0;
  /** Whether the current GOP lacks a chunk (skipped, or past {@link MAX_GOP_BYTES}): it is not replayed. */
  gopBroken = false;
  skipping = false;

  /** Starts the current GOP afresh (`broken`: it already lacks a chunk). */
  resetGop(broken: boolean): void {
    this.gop = [];
    this.gopBytes = 0;
    this.gopBroken = broken;
  }
}

export class VideoPublisher {
  readonly #stream: FrameBus;
  readonly #sink: VideoSink;
  readonly #retryMs: number;
  /** `cameraId\nvariantKey` → its reader. */
  readonly #held = new Map<string, Held>();
  #published = 0;
  #dropped = 0;

  constructor(stream: FrameBus, sink: VideoSink, retryMs = 2000) {
    this.#stream = stream;
    this.#sink = sink;
    this.#retryMs = retryMs;
  }

  stats(): VideoPublishStats {
    return { chunksPublished: this.#published, chunksDropped: this.#dropped };
  }

  /** The variants published now (`cameraId:variant`). */
  variants(): string[] {
    return [...this.#held.keys()].map((key) => key.replace('\n', ':'));
  }

  /**
   * Reads exactly the `wanted` variants (key `cameraId\nvariantKey`); `fresh`:
   * the keys some gateway has just started to demand, whose current GOP is
   * published again.
   */
  sync(wanted: ReadonlyMap<string, { readonly cameraId: string; readonly variant: string; readonly spec: VariantSpec }>, fresh: ReadonlySet<string>): void {
    for (const [key, held] of this.#held) {
      if (wanted.has(key)) continue;
      held.controller.abort();
      this.#held.delete(key);
    }
    for (const [key, target] of wanted) {
      const held = this.#held.get(key);
      if (held) {
        if (fresh.has(key)) this.#replay(held, target.cameraId, target.variant);
        continue;
      }
      const started = new Held();
      this.#held.set(key, started);
      void this.#read(started, target.cameraId, target.variant, target.spec);
    }
  }

  close(): void {
    for (const held of this.#held.values()) held.controller.abort();
    this.#held.clear();
  }

  async #read(held: Held, cameraId: string, variant: string, spec: VariantSpec): Promise<void> {
    const { signal } = held.controller;
    const channel = this.#sink.channel(cameraId, variant);
    while (!signal.aborted) {
      try {
        for await (const chunk of this.#stream.video({ cameraId, ...spec, signal })) {
          if (signal.aborted) return;
          this.#publish(held, channel, chunk, variant);
        }
        return; // the video ended (the stream closes)
      } catch (error) {
        if (signal.aborted) return;
        const { code, message } = VideoFailure.of(error);
        held.resetGop(false);
        if (this.#sink.ready()) void this.#sink.publish(channel, encodeVideoError({ cameraId, variant, code, message })).catch(() => {});
        await sleep(this.#retryMs, signal);
      }
    }
  }

  #publish(held: Held, channel: string, chunk: VideoChunk, variant: string): void {
    const n = held.n++;
    if (chunk.keyframe) {
      held.skipping = false;
      held.resetGop(false);
    }
    if (held.skipping || !this.#sink.ready()) {
      // An H.264 decoder cannot do without one P-frame: the gateways get nothing more until the next keyframe.
      held.skipping = true;
      held.resetGop(true);
      this.#dropped++;
      return;
    }
    const message = encodeVideoChunk(chunk, { stream: held.stream, n }, variant);
    if (!held.gopBroken && held.gopBytes + message.byteLength <= MAX_GOP_BYTES) {
      held.gop.push(message);
      held.gopBytes += message.byteLength;
    } else {
      held.resetGop(true); // broken, or too large to keep: no replay of this GOP
    }
    this.#published++;
    this.#sink.publish(channel, message).catch(() => {
      this.#dropped++;
      held.skipping = true;
    });
  }

  #replay(held: Held, cameraId: string, variant: string): void {
    if (held.gopBroken || !this.#sink.ready()) return;
    const channel = this.#sink.channel(cameraId, variant);
    for (const message of held.gop) void this.#sink.publish(channel, message).catch(() => {});
  }
}
