/**
 * A gateway's H.264 (bus/redis-gateway.ts holds one): the `video` and
 * `subscribeVideo` of its {@link FrameBus}, fed by the capture node's video
 * channels (bus/redis-video-protocol.ts).
 *
 * - Each camera variant some local consumer reads is one channel subscription
 *   and one entry of the gateway's demand (`video` in the demand message), and
 *   one GOP fan-out (the core's, video/fanout.ts): a new consumer starts from
 *   the current GOP's keyframe, a slow one skips to the next keyframe.
 * - Never a broken GOP downstream: after a gap in `seq` (a message lost on the
 *   bus), chunks are passed over until the next keyframe; chunks already had
 *   (the capture node replays its GOP for a new gateway) are passed over too.
 * - An `error` message ends the variant's consumers with a {@link RemoteVideoError}
 *   carrying the capture node's code.
 * @module
 */
import { normalizeVariant, type VariantSpec, variantKey } from '@servercam/core';
import type { Redis } from 'ioredis';
import type { VideoChunk, VideoRequest } from '../video/chunk.ts';
import { type VideoFanout, videoFanout } from '../video/fanout.ts';
import type { BadMessages } from './bad-messages.ts';
import type { Channels } from './redis-protocol.ts';
import { decodeVideo } from './redis-video-protocol.ts';

/** The capture node's video of a variant failed; `code` is the capture node's (the core's). */
export class RemoteVideoError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RemoteVideoError';
    this.code = code;
  }
}

/** What the video side asks of its gateway. */
export interface GatewayVideoHost {
  hasCamera(cameraId: string): boolean;
  activeCameraId(): string;
  /** The gateway's subscriber connection, where video channels are subscribed to and left. */
  sub(): Pick<Redis, 'subscribe' | 'unsubscribe'>;
  /** The consumed variants changed: the gateway sends its demand. */
  demandChanged(): void;
}

interface Variant {
  readonly cameraId: string;
  readonly spec: VariantSpec;
  readonly fanout: VideoFanout;
  consumers: number;
  lastSeq: number | undefined;
  /** After a gap: chunks are passed over until a keyframe. */
  waitingForKeyframe: boolean;
}

export class GatewayVideo {
  readonly #host: GatewayVideoHost;
  readonly #channels: Channels;
  readonly #bad: BadMessages;
  /** Channel → its variant. */
  readonly #variants = new Map<string, Variant>();
  /** `P:video:`, the start of every video channel. */
  readonly #prefix: string;
  #closed = false;

  constructor(host: GatewayVideoHost, channels: Channels, bad: BadMessages) {
    this.#host = host;
    this.#channels = channels;
    this.#bad = bad;
    this.#prefix = channels.video('', '').slice(0, -1);
  }

  /** Whether `channel` is a video channel (ours or not). */
  isVideoChannel(channel: string): boolean {
    return channel.startsWith(this.#prefix);
  }

  /** H.264 chunks of a camera variant; see `FrameBus.video`. @throws {TypeError | RangeError} for a bad request. */
  video(options: VideoRequest & { signal?: AbortSignal | undefined } = {}): AsyncIterableIterator<VideoChunk> & { readonly dropped: number } {
    const { channel, variant } = this.#acquire(options);
    const inner = variant.fanout.iterator();
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      options.signal?.removeEventListener('abort', onAbort);
      this.#release(channel);
    };
    const onAbort = (): void => {
      void iterator.return();
    };
    const iterator = {
      get dropped() {
        return inner.dropped;
      },
      next: async (): Promise<IteratorResult<VideoChunk>> => {
        try {
          const result = await inner.next();
          if (result.done) release();
          return result;
        } catch (error) {
          release();
          throw error;
        }
      },
      return: async (): Promise<IteratorResult<VideoChunk>> => {
        release();
        await inner.return?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    if (options.signal?.aborted) void iterator.return();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    return iterator;
  }

  /** Calls `listener` with each chunk of a camera variant; returns the unsubscribe. */
  subscribeVideo(request: VideoRequest, listener: (chunk: VideoChunk) => void): () => void {
    const { channel, variant } = this.#acquire(request);
    const off = variant.fanout.subscribe(listener);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      off();
      this.#release(channel);
    };
  }

  /** The H.264 variants consumed here, per camera: the `video` of the demand message. */
  demand(): Record<string, VariantSpec[]> {
    const demand: Record<string, VariantSpec[]> = {};
    for (const { cameraId, spec } of this.#variants.values()) (demand[cameraId] ??= []).push(spec);
    return demand;
  }

  /** A message on a video channel (one just left: late, not bad). */
  onMessage(channel: string, message: Buffer): void {
    const variant = this.#variants.get(channel);
    if (!variant) return;
    const decoded = decodeVideo(message, { cameraId: variant.cameraId, variant: variantKey(variant.spec) });
    if (!decoded.ok) {
      this.#bad.count('video', decoded.reason);
      return;
    }
    const received = decoded.value;
    if (received.kind === 'error') {
      variant.lastSeq = undefined;
      variant.waitingForKeyframe = true;
      variant.fanout.fail(new RemoteVideoError(received.code, received.message));
      return;
    }
    const { chunk } = received;
    if (variant.lastSeq !== undefined && chunk.seq <= variant.lastSeq) return; // had it (a replayed GOP)
    const gap = variant.lastSeq !== undefined && chunk.seq !== variant.lastSeq + 1;
    if (gap || variant.waitingForKeyframe) {
      if (!chunk.keyframe) {
        variant.waitingForKeyframe = true;
        return;
      }
      variant.waitingForKeyframe = false;
    }
    variant.lastSeq = chunk.seq;
    variant.fanout.push(chunk);
  }

  /** A new capture node numbers its chunks afresh. */
  forgetChunks(): void {
    for (const variant of this.#variants.values()) {
      variant.lastSeq = undefined;
      variant.waitingForKeyframe = true;
    }
  }

  close(): void {
    this.#closed = true;
    for (const variant of this.#variants.values()) variant.fanout.close();
    this.#variants.clear();
  }

  #acquire(request: VideoRequest): { channel: string; variant: Variant } {
    if (this.#closed) throw new TypeError('This gateway is shutting down');
    const cameraId = request.cameraId ?? this.#host.activeCameraId();
    if (!this.#host.hasCamera(cameraId)) throw new TypeError(`Unknown camera "${cameraId}"`);
    const spec = normalizeVariant({ maxWidth: request.maxWidth, maxFps: request.maxFps });
    const channel = this.#channels.video(cameraId, variantKey(spec));
    let variant = this.#variants.get(channel);
    if (!variant) {
      variant = { cameraId, spec, fanout: videoFanout(), consumers: 0, lastSeq: undefined, waitingForKeyframe: true };
      this.#variants.set(channel, variant);
      void this.#host.sub().subscribe(channel).catch(() => {});
      this.#host.demandChanged();
    }
    variant.consumers++;
    return { channel, variant };
  }

  #release(channel: string): void {
    const variant = this.#variants.get(channel);
    if (!variant || --variant.consumers > 0) return;
    this.#variants.delete(channel);
    variant.fanout.close();
    if (this.#closed) return;
    void this.#host.sub().unsubscribe(channel).catch(() => {});
    this.#host.demandChanged();
  }
}
