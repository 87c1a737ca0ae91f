/**
 * A gateway's H.264 (bus/redis-gateway.ts holds one): the `video` and
 * `subscribeVideo` of its {@link FrameBus}, fed by the capture node's video
 * channels (bus/redis-video-protocol.ts).
 *
 * - The consumers, their variants (a consumer without a camera id follows the
 *   active camera), and the GOP fan-out of each variant are the core's
 *   `VideoConsumers`, as in `ServerVideoStream`: a new consumer starts from the
 *   variant's current GOP, a slow one skips to the next keyframe. Each planned
 *   variant is one channel subscription and one entry of the gateway's demand
 *   (`video` in the demand message); the variant cap is the capture node's.
 * - Never a broken GOP downstream: after a gap in the messages' numbers (one
 *   lost on the bus, or skipped by the capture node), chunks are passed over
 *   until the next keyframe; chunks already had (the capture node replays its
 *   GOP for a new gateway) are passed over too. (Not by `seq`: that is the
 *   captured frame's, with gaps wherever the encoder took fewer frames.)
 * - An `error` message ends the variant's consumers with the core's typed
 *   error of that code.
 * @module
 */
import {
  ErrorCode,
  reviveError,
  type ServercamError,
  type VariantDemand,
  type VariantSpec,
  type VideoChunk,
  VideoConsumers,
  type VideoConsumerHost,
  VideoEncoderFailed,
  type VideoOptions,
  type VideoRequest,
} from '@servercam/core';
import type { BadMessages } from './bad-messages.ts';
import { FrameChannels } from './redis-frame-channels.ts';
import type { Channels } from './redis-protocol.ts';
import { decodeVideo } from './redis-video-protocol.ts';

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
const isErrorCode = (code: string): code is ErrorCode => CODES.has(code);

/** The core's typed error of a capture node's code (an unknown one: the encoder failed, its code in the message). */
function reviveVideoError(code: string, message: string, cameraId: string): ServercamError {
  if (!isErrorCode(code)) return new VideoEncoderFailed(`${code}: ${message}`, { cameraId });
  return reviveError({ name: code, code, message, cameraId, cause: undefined });
}

/** Per channel: the capture node's reader, the number of the last chunk given, and whether a keyframe is awaited. */
interface Continuity {
  stream: string | undefined;
  lastN: number | undefined;
  waitingForKeyframe: boolean;
}

export class GatewayVideo {
  readonly #consumers: VideoConsumers;
  readonly #channels: FrameChannels;
  readonly #bad: BadMessages;
  readonly #continuity = new Map<string, Continuity>();
  /** The variants planned at the last {@link sync}, per camera: what the demand message says. */
  #planned = new Map<string, VariantDemand[]>();

  constructor(host: VideoConsumerHost, channels: Channels, bad: BadMessages, maxGopBytes: number) {
    // No variant cap here: the capture node's core caps what it encodes, for every gateway at once.
    this.#consumers = new VideoConsumers(host, { maxVariants: Number.POSITIVE_INFINITY, maxGopBytes });
    this.#channels = new FrameChannels(channels.video, channels.videoPrefix);
    this.#bad = bad;
  }

  /** H.264 chunks; see `FrameBus.video`. @throws {TypeError | RangeError} for a bad request. */
  video(options: VideoOptions = {}): AsyncIterableIterator<VideoChunk> & { readonly dropped: number } {
    return this.#consumers.video(options);
  }

  subscribeVideo(request: VideoRequest, listener: (chunk: VideoChunk) => void, onError?: (error: ServercamError) => void): () => void {
    return this.#consumers.subscribe(request, listener, onError);
  }

  viewers(cameraId: string): number {
    return this.#consumers.viewers(cameraId);
  }

  /** Plans every camera's video variants (which routes the consumers to them): the variants per camera. */
  #plan(cameras: ReadonlyMap<string, { readonly width?: number | undefined }>): Map<string, VariantDemand[]> {
    const demand = new Map<string, VariantDemand[]>();
    for (const [cameraId, camera] of cameras) {
      const variants = this.#consumers.plan(cameraId, camera.width);
      if (variants.length > 0) demand.set(cameraId, variants);
    }
    return demand;
  }

  /**
   * Plans (which routes the consumers to their variants, and makes or drops
   * the variants' GOP fan-outs), keeps the plan for {@link demand}, and makes
   * the planned variants' channels the subscribed ones: returns those to
   * subscribe to and to leave.
   */
  sync(cameras: ReadonlyMap<string, { readonly width?: number | undefined }>): { added: string[]; removed: string[] } {
    this.#planned = this.#plan(cameras);
    const changed = this.#channels.sync(this.#planned);
    for (const channel of changed.removed) this.#continuity.delete(channel);
    return changed;
  }

  /** The `video` of the demand message: the variants per camera planned at the last {@link sync} (no planning here). */
  demand(): Record<string, VariantSpec[]> {
    const video: Record<string, VariantSpec[]> = {};
    for (const [cameraId, variants] of this.#planned) video[cameraId] = variants.map(({ maxWidth, maxFps }) => ({ maxWidth, maxFps }));
    return video;
  }

  /** Whether `channel` is a video channel (ours or not). */
  isVideoChannel(channel: string): boolean {
    return this.#channels.covers(channel);
  }

  /** A message on a video channel (one just left: late, not bad). */
  onMessage(channel: string, message: Buffer): void {
    const target = this.#channels.target(channel);
    if (!target) return;
    const decoded = decodeVideo(message, target);
    if (!decoded.ok) return this.#bad.count('video', decoded.reason);
    let continuity = this.#continuity.get(channel);
    if (!continuity) {
      continuity = { stream: undefined, lastN: undefined, waitingForKeyframe: true };
      this.#continuity.set(channel, continuity);
    }
    const received = decoded.value;
    if (received.kind === 'error') {
      continuity.lastN = undefined;
      continuity.waitingForKeyframe = true;
      this.#consumers.fail(target.cameraId, target.variant, reviveVideoError(received.code, received.message, target.cameraId));
      return;
    }
    const { chunk, position } = received;
    if (position.stream !== continuity.stream) {
      // Another reader on the capture node (it restarted it): its numbers start afresh, at a keyframe.
      continuity.stream = position.stream;
      continuity.lastN = undefined;
      continuity.waitingForKeyframe = true;
    }
    if (continuity.lastN !== undefined && position.n <= continuity.lastN) return; // had it (a replayed GOP)
    const gap = continuity.lastN !== undefined && position.n !== continuity.lastN + 1;
    if (gap || continuity.waitingForKeyframe) {
      if (!chunk.keyframe) {
        continuity.waitingForKeyframe = true;
        return;
      }
      continuity.waitingForKeyframe = false;
    }
    continuity.lastN = position.n;
    this.#consumers.deliver(chunk);
  }

  /** A new capture node numbers its chunks afresh, and has none of the old GOPs. */
  forgetChunks(cameraIds: Iterable<string>): void {
    this.#continuity.clear();
    for (const cameraId of cameraIds) this.#consumers.resetCamera(cameraId);
  }

  close(): void {
    this.#consumers.close();
  }
}
