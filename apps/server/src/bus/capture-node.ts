/**
 * The capture node's side of the Redis bus: it publishes the frames and the
 * H.264 chunks (bus/capture-video.ts) that some gateway consumes (and only
 * those: the union of the gateways' current demand, each demand lapsing after its TTL), the cameras' status and the
 * shared settings (on change, and once a second as its heartbeat), and applies
 * the gateways' settings commands.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  type Frame,
  InvalidSettings,
  isServercamError,
  normalizeVariant,
  redactSecrets,
  type VariantSpec,
  variantKey,
  videoVariantKey,
} from '@servercam/core';
import type { CameraDirectory } from '../cameras.ts';
import { isPictureNow } from '../frames/snapshot.ts';
import type { Logger } from '../logger.ts';
import { BadMessages } from './bad-messages.ts';
import { VideoPublisher } from './capture-video.ts';
import type { BusHealth, FrameBus } from './bus.ts';
import { connectRedis, type RedisPair } from './redis-connection.ts';
import {
  type Channels,
  channels,
  boundedCamera,
  DEFAULT_PREFIX,
  decodeCommand,
  decodeDemand,
  encodeFrame,
  encodeJson,
  type StateMessage,
  type UpdateCommand,
  type UpdateReply,
} from './redis-protocol.ts';

export interface CaptureNodeOptions {
  readonly redisUrl: string;
  readonly prefix?: string | undefined;
  readonly logger: Logger;
  /** How often the state is published as a heartbeat (ms, default 1000). */
  readonly heartbeatMs?: number | undefined;
  /** Frames are dropped while the Redis socket holds more than this (bytes, default 4 MiB). */
  readonly maxBufferedBytes?: number | undefined;
  /** The least time between two warnings about bad messages of one kind (ms, default 60 000). */
  readonly badMessageLogIntervalMs?: number | undefined;
}

export interface CaptureNodeStats {
  readonly framesPublished: number;
  readonly framesDropped: number;
  /** Camera variants being published now. */
  readonly variants: readonly string[];
  /** H.264: chunks published and dropped (each drop runs to the next keyframe), and the variants published now. */
  readonly videoChunksPublished: number;
  readonly videoChunksDropped: number;
  readonly videoVariants: readonly string[];
}

interface Demand {
  readonly cameras: Readonly<Record<string, readonly VariantSpec[]>>;
  readonly video: Readonly<Record<string, readonly VariantSpec[]>>;
  readonly expiresAt: number;
}

export class CaptureNode implements AsyncDisposable {
  readonly id = randomUUID();
  readonly #stream: FrameBus;
  readonly #cameras: CameraDirectory;
  readonly #redis: RedisPair;
  readonly #channels: Channels;
  readonly #logger: Logger;
  readonly #maxBuffered: number;
  readonly #demands = new Map<string, Demand>();
  /** `cameraId\nvariantKey` → the unsubscribe of the consumer feeding Redis. */
  readonly #held = new Map<string, () => void>();
  readonly #offs: Array<() => void> = [];
  readonly #heartbeat: NodeJS.Timeout;
  readonly #bad: BadMessages;
  readonly #video: VideoPublisher;
  #stateTimer: NodeJS.Timeout | undefined;
  #published = 0;
  #dropped = 0;
  #closed = false;

  constructor(stream: FrameBus, cameras: CameraDirectory, options: CaptureNodeOptions) {
    this.#stream = stream;
    this.#cameras = cameras;
    this.#logger = options.logger.child({ component: 'capture-node' });
    this.#channels = channels(options.prefix ?? DEFAULT_PREFIX);
    this.#maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.#bad = new BadMessages(this.#logger, options.badMessageLogIntervalMs);
    this.#redis = connectRedis(options.redisUrl, `servercam-capture-${this.id.slice(0, 8)}`, this.#logger);
    this.#video = new VideoPublisher(stream, {
      ready: () => !this.#closed && this.#redis.pub.status === 'ready' && (this.#redis.pub.stream?.writableLength ?? 0) <= this.#maxBuffered,
      publish: (channel, message) => this.#redis.pub.publish(channel, message),
      channel: (cameraId, variant) => this.#channels.video(cameraId, variant),
    });
    this.#redis.pub.on('ready', () => this.#publishState());
    this.#redis.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#onMessage(channel.toString(), message));
    void this.#redis.sub.subscribe(this.#channels.demand, this.#channels.command).catch(() => {});
    this.#offs.push(stream.on('settings', () => this.#scheduleState()));
    this.#offs.push(cameras.onStatus(() => this.#scheduleState()));
    this.#heartbeat = setInterval(() => {
      this.#expireDemand();
      this.#publishState();
    }, options.heartbeatMs ?? 1000);
  }

  health(): BusHealth {
    this.#expireDemand();
    return { kind: 'redis', redis: this.#redis.status(), gateways: this.#demands.size, badMessages: this.#bad.stats() };
  }

  stats(): CaptureNodeStats {
    const video = this.#video.stats();
    return {
      framesPublished: this.#published,
      framesDropped: this.#dropped,
      variants: [...this.#held.keys()].map((key) => key.replace('\n', ':')),
      videoChunksPublished: video.chunksPublished,
      videoChunksDropped: video.chunksDropped,
      videoVariants: this.#video.variants(),
    };
  }

  /** Waits (at most `timeoutMs`) for the connection; resolves either way. */
  ready(timeoutMs = 3000): Promise<boolean> {
    return this.#redis.ready(timeoutMs);
  }

  #onMessage(channel: string, message: Buffer): void {
    if (this.#closed) return;
    const kind = channel === this.#channels.demand ? 'demand' : channel === this.#channels.command ? 'command' : undefined;
    if (kind === undefined) return;
    // A message is checked here, and nothing it holds may throw out of Redis's event handler.
    try {
      if (kind === 'demand') this.#onDemand(message);
      else this.#onCommand(message);
    } catch (error) {
      this.#bad.count('internal', `${kind}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #onDemand(message: Buffer): void {
    const decoded = decodeDemand(message);
    if (!decoded.ok) return this.#bad.count('demand', decoded.reason);
    const demand = decoded.value;
    const video = demand.video ?? {};
    const before = this.#demands.get(demand.gateway);
    const freshVideo = this.#fresh(before?.video ?? {}, video, videoVariantKey);
    const freshFrames = this.#fresh(before?.cameras ?? {}, demand.cameras, variantKey);
    if (Object.keys(demand.cameras).length === 0 && Object.keys(video).length === 0) this.#demands.delete(demand.gateway);
    else this.#demands.set(demand.gateway, { cameras: demand.cameras, video, expiresAt: Date.now() + Math.min(Math.max(demand.ttlMs, 1000), 60_000) });
    this.#syncHeld(freshVideo, freshFrames);
  }

  #onCommand(message: Buffer): void {
    const decoded = decodeCommand(message);
    if (!decoded.ok) return this.#bad.count('command', decoded.reason);
    void this.#apply(decoded.value);
  }

  async #apply(command: UpdateCommand): Promise<void> {
    let reply: UpdateReply;
    try {
      const settings = await this.#stream.update(command.patch);
      reply = { type: 'reply', id: command.id, settings };
      this.#publishState();
    } catch (error) {
      const field = error instanceof InvalidSettings ? error.field : undefined;
      const code = isServercamError(error) ? error.code : 'INTERNAL';
      const text = redactSecrets(error instanceof Error ? error.message : String(error));
      reply = { type: 'reply', id: command.id, error: { code, message: text.length > 4000 ? `${text.slice(0, 3999)}…` : text, field } };
    }
    await this.#redis.pub.publish(this.#channels.reply(command.gateway), encodeJson(reply)).catch(() => {});
  }

  #expireDemand(): void {
    const now = Date.now();
    let changed = false;
    for (const [gateway, demand] of this.#demands) {
      if (demand.expiresAt > now) continue;
      this.#demands.delete(gateway);
      this.#logger.info({ gateway }, `gateway ${gateway}: demand expired`);
      changed = true;
    }
    if (changed) this.#syncHeld();
  }

  /** The demanded variants of `byCamera` (cameras of this node, sane variants), by `cameraId\nvariantKey`. */
  #variants(
    byCamera: Readonly<Record<string, readonly VariantSpec[]>>,
    into = new Map<string, { cameraId: string; variant: string; spec: VariantSpec }>(),
    keyOf: (spec: VariantSpec) => string = variantKey,
  ): Map<string, { cameraId: string; variant: string; spec: VariantSpec }> {
    for (const [cameraId, specs] of Object.entries(byCamera)) {
      if (!this.#cameras.has(cameraId) || !Array.isArray(specs)) continue;
      for (const raw of specs) {
        try {
          const spec = normalizeVariant(raw);
          const variant = keyOf(spec);
          into.set(`${cameraId}\n${variant}`, { cameraId, variant, spec });
        } catch {
          // A nonsense variant from a gateway: ignored.
        }
      }
    }
    return into;
  }

  /**
   * The variants a gateway demands now and did not before: the current GOP
   * of a video one, the current picture of a full-size one, is published
   * again for it (another gateway may have had the variant held already).
   */
  #fresh(
    before: Readonly<Record<string, readonly VariantSpec[]>>,
    now: Readonly<Record<string, readonly VariantSpec[]>>,
    keyOf: (spec: VariantSpec) => string,
  ): Set<string> {
    const had = this.#variants(before, undefined, keyOf);
    return new Set([...this.#variants(now, undefined, keyOf).keys()].filter((key) => !had.has(key)));
  }

  /** Holds one consumer per demanded camera variant, so the core encodes exactly those; likewise for H.264. */
  #syncHeld(freshVideo: ReadonlySet<string> = new Set(), freshFrames: ReadonlySet<string> = new Set()): void {
    const wanted = new Map<string, { cameraId: string; variant: string; spec: VariantSpec }>();
    const wantedVideo = new Map<string, { cameraId: string; variant: string; spec: VariantSpec }>();
    for (const demand of this.#demands.values()) {
      this.#variants(demand.cameras, wanted);
      this.#variants(demand.video, wantedVideo, videoVariantKey);
    }
    this.#video.sync(wantedVideo, freshVideo);
    for (const [key, unsubscribe] of this.#held) {
      if (wanted.has(key)) continue;
      unsubscribe();
      this.#held.delete(key);
    }
    for (const [key, { cameraId, variant, spec }] of wanted) {
      if (!this.#held.has(key)) {
        // Published on the channel of the variant asked for: the core may feed it another variant's frames (its variant cap).
        this.#held.set(key, this.#stream.subscribe({ cameraId, ...spec }, (frame) => this.#publishFrame(frame, variant)));
      } else if (!freshFrames.has(key)) continue;
      // A gateway that starts watching the full size (at any rate) gets the picture at once: while paused, the last one.
      const latest = spec.maxWidth === undefined ? this.#stream.latest(cameraId) : undefined;
      if (latest && this.#stillPicture(latest)) this.#publishFrame(latest, variant);
    }
  }

  /**
   * Whether `latest` is the camera's picture now (frames/snapshot.ts). The
   * active camera's latest may be a once-a-second `value` (app-options.ts),
   * and an idle camera's may be hours old: a gateway asking for frames then
   * waits for the next one rather than take an old one (a snapshot would show it).
   */
  #stillPicture(latest: Frame): boolean {
    const camera = this.#stream.camera(latest.cameraId);
    return camera !== undefined && isPictureNow(this.#stream, camera, latest);
  }

  /** Publishes a frame for the gateways' `variant` (the key they subscribed to; the frame says its real size). */
  #publishFrame(frame: Frame, variant: string): void {
    const pub = this.#redis.pub;
    // Newest frame, at most once: nothing is queued while Redis is away or slow.
    if (this.#closed || pub.status !== 'ready' || (pub.stream?.writableLength ?? 0) > this.#maxBuffered) {
      this.#dropped++;
      return;
    }
    const fps = this.#stream.camera(frame.cameraId)?.measuredFps ?? 0;
    this.#published++;
    const sent = frame.variant === variant ? frame : { ...frame, variant };
    pub.publish(this.#channels.frame(frame.cameraId, variant), encodeFrame(sent, fps)).catch(() => {
      this.#dropped++;
    });
  }

  /** Coalesces bursts of status changes into one state message. */
  #scheduleState(): void {
    if (this.#stateTimer || this.#closed) return;
    this.#stateTimer = setTimeout(() => {
      this.#stateTimer = undefined;
      this.#publishState();
    }, 20);
  }

  #publishState(): void {
    const pub = this.#redis.pub;
    if (this.#closed || pub.status !== 'ready') return;
    const message: StateMessage = { type: 'state', node: this.id, at: Date.now(), settings: this.#stream.settings, cameras: this.#cameras.list().map(boundedCamera) };
    const text = encodeJson(message);
    pub.publish(this.#channels.state, text).catch(() => {});
    pub.set(this.#channels.state, text).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#stateTimer);
    for (const off of this.#offs) off();
    for (const unsubscribe of this.#held.values()) unsubscribe();
    this.#held.clear();
    this.#video.close();
    await this.#redis.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
