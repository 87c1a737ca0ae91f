/**
 * A gateway's frame bus: the {@link FrameBus} of a server with no camera of
 * its own, fed by the capture node over Redis (bus/redis-protocol.ts).
 *
 * - Cameras and settings come from the capture node's state messages. When
 *   the capture node is not heard for `captureTimeoutMs`, or Redis is away,
 *   every camera shows `error` (`BACKEND_UNAVAILABLE`) with a message saying
 *   which; they recover with the next state message.
 * - Consumers, their demand, the fan-out and the listeners are the core's
 *   `ConsumerRegistry`, as in `ServerVideoStream`: the gateway subscribes to
 *   the channels of the variants its consumers need (plus the active camera's
 *   full size, like the core, thinned to `valueFps` while no consumer or
 *   `value` listener takes it at the full rate: the capture node then
 *   publishes it as `f1`, redis-frame-channels.ts) and tells the capture node
 *   through its demand,
 *   refreshed before its TTL lapses. Each received frame becomes one `Frame`
 *   object shared by every local consumer of its variant, so the transports
 *   serialize it once. The variant cap is the capture node's.
 * - H.264 (`video`, `subscribeVideo`) is bus/redis-video.ts's: its variants
 *   join the demand, its channels are subscribed the same way.
 * - `update` is sent to the capture node, which applies it and answers; the
 *   change reaches every gateway through the state message.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  applySettings,
  type CameraInfo,
  type CameraStats,
  type ConsumerHost,
  ConsumerRegistry,
  DEFAULT_VIDEO_GOP_BYTES,
  type Frame,
  type FrameRequest,
  type FramesOptions,
  FULL_VARIANT,
  type LatestValueIterator,
  sameSettings,
  type StreamEvents,
  type StreamSettings,
  type StreamSettingsPatch,
  type VariantDemand,
  type VariantSpec,
  type VideoChunk,
  type VideoOptions,
  type VideoRequest,
  variantKey,
} from '@servercam/core';
import type { Logger } from '../logger.ts';
import { BadMessages, type BusMessageKind } from './bad-messages.ts';
import { type BusHealth, type FrameBus, BusUnavailable } from './bus.ts';
import { CaptureLiveness } from './capture-liveness.ts';
import { PendingCommands } from './redis-commands.ts';
import { connectRedis, type RedisPair } from './redis-connection.ts';
import { GatewayVideo } from './redis-video.ts';
import { type ChannelTarget, FrameChannels, type ReceivedFrame } from './redis-frame-channels.ts';
import {
  type Channels,
  channels,
  DEFAULT_PREFIX,
  decodeFrame,
  decodeReply,
  decodeState,
  type DemandMessage,
  encodeJson,
  type StateMessage,
  type UpdateReply,
} from './redis-protocol.ts';

export interface RedisGatewayOptions {
  readonly redisUrl: string;
  readonly prefix?: string | undefined;
  readonly logger: Logger;
  /** The capture node is reported down after this long without a state message (ms, default 3000). */
  readonly captureTimeoutMs?: number | undefined;
  /** How long the capture node keeps this gateway's demand without a refresh (ms, default 6000). */
  readonly demandTtlMs?: number | undefined;
  /** How long `update` waits for the capture node's answer (ms, default 3000). */
  readonly commandTimeoutMs?: number | undefined;
  /** The least time between two warnings about bad messages of one kind (ms, default 60 000). */
  readonly badMessageLogIntervalMs?: number | undefined;
  /** The bound of each H.264 variant's cached GOP, and of a consumer's unread chunks (bytes, default the core's 8 MiB). */
  readonly videoGopBytes?: number | undefined;
  /**
   * The core's `valueFps` for the active camera's full size: how often the
   * capture node sends it while no consumer here takes it at the full rate and
   * nothing listens to `value` (default 0: every frame).
   */
  readonly valueFps?: number | undefined;
}

const NO_SETTINGS: StreamSettings = Object.freeze({ paused: false, fps: 0, quality: 80, activeCameraId: '' });

export class RedisFrameBus implements FrameBus {
  readonly id = randomUUID();
  readonly #redis: RedisPair;
  readonly #channels: Channels;
  readonly #logger: Logger;
  readonly #captureTimeoutMs: number;
  readonly #demandTtlMs: number;
  readonly #consumers: ConsumerRegistry<StreamEvents>;
  readonly #cameras = new Map<string, CameraInfo>();
  /** Each camera's latest full-size frame, and when it arrived, by this process's monotonic clock (`performance.now()`). */
  readonly #latest = new Map<string, ReceivedFrame>();
  readonly #frameChannels: FrameChannels;
  readonly #bad: BadMessages;
  readonly #commands: PendingCommands;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #video: GatewayVideo;
  #settings: StreamSettings | undefined;
  #node: string | undefined;
  readonly #liveness: CaptureLiveness;
  #demandSent = '';
  /** Channel subscriptions sent and not yet answered: the demand waits for them (see #syncDemand). */
  #subscribing = 0;
  #starting: Promise<void> | undefined;
  #closed = false;

  constructor(options: RedisGatewayOptions) {
    this.#logger = options.logger.child({ component: 'redis-bus' });
    this.#channels = channels(options.prefix ?? DEFAULT_PREFIX);
    // Channels are named as the capture node names a variant: by the spec asked for (the thinned full size is `f1`).
    this.#frameChannels = new FrameChannels(this.#channels.frame, this.#channels.framePrefix, ({ key: _key, ...spec }) => variantKey(spec));
    this.#captureTimeoutMs = options.captureTimeoutMs ?? 3000;
    this.#demandTtlMs = options.demandTtlMs ?? 6000;
    this.#liveness = new CaptureLiveness(this.#captureTimeoutMs);
    this.#commands = new PendingCommands(this.id, options.commandTimeoutMs ?? 3000);
    // No variant cap here: the capture node's core caps what it encodes, for every gateway at once.
    this.#consumers = new ConsumerRegistry<StreamEvents>(this.#consumerHost(), { maxVariants: Number.POSITIVE_INFINITY, valueFps: options.valueFps });
    this.#bad = new BadMessages(this.#logger, options.badMessageLogIntervalMs);
    this.#video = new GatewayVideo(this.#consumerHost(), this.#channels, this.#bad, options.videoGopBytes ?? DEFAULT_VIDEO_GOP_BYTES);
    this.#redis = connectRedis(options.redisUrl, `servercam-gateway-${this.id.slice(0, 8)}`, this.#logger);
    this.#redis.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#onMessage(channel.toString(), message));
    void this.#redis.sub.subscribe(this.#channels.state, this.#channels.reply(this.id)).catch(() => {});
    this.#redis.pub.on('ready', () => {
      // After a (re)connection: the last state, and our demand at once.
      void this.#fetchState();
      this.#publishDemand(true);
    });
    this.#timers.push(setInterval(() => this.#checkLiveness(), 250));
    this.#timers.push(setInterval(() => this.#publishDemand(true), Math.max(250, Math.floor(this.#demandTtlMs / 3))));
  }

  // ---- settings -------------------------------------------------------------------------

  get settings(): StreamSettings {
    return this.#settings ?? NO_SETTINGS;
  }
  get activeCameraId(): string {
    return this.settings.activeCameraId;
  }
  get paused(): boolean {
    return this.settings.paused;
  }
  get fps(): number {
    return this.settings.fps;
  }

  update(patch: StreamSettingsPatch): Promise<StreamSettings> {
    if (this.#closed) return Promise.reject(new BusUnavailable('This gateway is shutting down'));
    const down = this.#liveness.down;
    if (down || !this.#settings) {
      return Promise.reject(new BusUnavailable(`Settings cannot change now: ${down?.message ?? 'the capture node has not been heard yet'}`));
    }
    // Validated here first (the same rules as the capture node): a bad input costs no round trip.
    applySettings(this.#settings, patch, new Set(this.#cameras.keys()));
    return this.#commands.send(patch, (command) => this.#redis.pub.publish(this.#channels.command, encodeJson(command)));
  }

  // ---- cameras --------------------------------------------------------------------------

  get cameras(): CameraInfo[] {
    return [...this.#cameras.keys()].map((id) => this.#info(id));
  }

  camera(id: string): CameraInfo | undefined {
    return this.#cameras.has(id) ? this.#info(id) : undefined;
  }

  latest(cameraId: string = this.activeCameraId): Frame | undefined {
    return this.#latest.get(cameraId)?.frame;
  }

  /** How long ago the latest frame arrived here: the capture node's clock may differ from ours. */
  latestAgeMs(cameraId: string): number | undefined {
    const latest = this.#latest.get(cameraId);
    return latest && performance.now() - latest.at;
  }

  // ---- consumers ------------------------------------------------------------------------

  frames(options: FramesOptions = {}): LatestValueIterator<Frame> {
    return this.#consumers.frames(options);
  }

  subscribe(request: FrameRequest, listener: (frame: Frame) => void | Promise<void>): () => void {
    return this.#consumers.subscribe(request, listener);
  }

  video(options?: VideoOptions): AsyncIterableIterator<VideoChunk> & { readonly dropped: number } {
    return this.#video.video(options);
  }

  subscribeVideo(request: VideoRequest, listener: (chunk: VideoChunk) => void): () => void {
    return this.#video.subscribeVideo(request, listener);
  }

  /** A listener that throws stops neither the others nor the gateway (the core's emitter). */
  on<K extends keyof StreamEvents>(event: K, listener: (value: StreamEvents[K]) => void): () => void {
    return this.#consumers.on(event, listener);
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Connects and reads the capture node's last state; resolves within ~3 s even when Redis is away. */
  start(): Promise<void> {
    this.#starting ??= this.#redis.ready(3000).then(() => this.#fetchState());
    return this.#starting;
  }

  async stats(): Promise<CameraStats[]> {
    return [];
  }

  health(): BusHealth {
    return {
      kind: 'redis',
      redis: this.#redis.status(),
      captureNode: {
        id: this.#node,
        reachable: this.#liveness.down === undefined,
        lastSeenAt: this.#liveness.lastStateAt > 0 ? new Date(this.#liveness.lastStateAt).toISOString() : undefined,
      },
      badMessages: this.#bad.stats(),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#consumers.close();
    this.#video.close();
    this.#commands.rejectAll(new BusUnavailable('This gateway is shutting down'));
    // Withdraw the demand at once rather than letting it lapse.
    const empty: DemandMessage = { type: 'demand', gateway: this.id, ttlMs: this.#demandTtlMs, cameras: {} };
    await this.#redis.pub.publish(this.#channels.demand, encodeJson(empty)).catch(() => {});
    await this.#redis.close();
    this.#consumers.clearListeners();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- internals ------------------------------------------------------------------------

  /** What the consumer registries (JPEG and H.264) ask of this gateway. */
  #consumerHost(): ConsumerHost {
    const consumersChanged = (cameraId: string): void => {
      this.#syncDemand();
      this.#emitStatus(cameraId);
    };
    // A `value` listener takes the full size at the full rate (the core's registry).
    const valueListenersChanged = (): void => this.#syncDemand();
    return { hasCamera: (id) => this.#cameras.has(id), activeCameraId: () => this.activeCameraId, consumersChanged, valueListenersChanged };
  }

  /** The variants this gateway needs per camera: its consumers', plus the active camera's full size, maybe thinned (the core's plan). */
  #demand(): Map<string, VariantDemand[]> {
    const demand = new Map<string, VariantDemand[]>();
    for (const [cameraId, camera] of this.#cameras) {
      const full = this.#settings !== undefined && cameraId === this.#settings.activeCameraId;
      const variants = this.#consumers.plan(cameraId, { full, sourceWidth: camera.width });
      if (variants.length > 0) demand.set(cameraId, variants);
    }
    return demand;
  }

  /** Subscribes to the frame channels of the demand, and tells the capture node when it changed. */
  #syncDemand(): void {
    if (this.#closed) return;
    const demand = this.#demand();
    const { added, removed } = this.#frameChannels.sync(demand);
    for (const cameraId of this.#cameras.keys()) {
      if (!this.#frameChannels.has(cameraId, FULL_VARIANT)) {
        // A camera whose full size is no longer received keeps no stale picture.
        this.#latest.delete(cameraId);
      } else if (!this.#latest.has(cameraId)) {
        // A channel kept for a consumer's own `f1` now feeds the full size too: its last frame is the picture.
        const last = this.#frameChannels.lastFrame(cameraId, FULL_VARIANT);
        if (last) this.#latest.set(cameraId, { frame: { ...last.frame, variant: FULL_VARIANT }, at: last.at });
      }
    }
    const video = this.#video.sync(this.#cameras);
    removed.push(...video.removed);
    added.push(...video.added);
    if (removed.length > 0) void this.#redis.sub.unsubscribe(...removed).catch(() => {});
    if (added.length > 0) {
      // The demand goes out once Redis has the subscriptions: the capture node answers a new demand with the
      // current picture (or GOP) at once, which a gateway not yet subscribed would miss.
      this.#subscribing++;
      void this.#redis.sub
        .subscribe(...added)
        .catch(() => {})
        .finally(() => {
          this.#subscribing--;
          this.#publishDemand(false);
        });
    }
    this.#publishDemand(false, demand);
  }

  #publishDemand(always: boolean, demand?: Map<string, VariantDemand[]>): void {
    if (this.#closed || this.#subscribing > 0) return;
    demand ??= this.#demand();
    const cameras: Record<string, VariantSpec[]> = {};
    for (const [cameraId, variants] of demand) cameras[cameraId] = variants.map(({ key: _key, ...spec }) => spec);
    const video = this.#video.demand();
    const message: DemandMessage = { type: 'demand', gateway: this.id, ttlMs: this.#demandTtlMs, cameras, ...(Object.keys(video).length > 0 ? { video } : {}) };
    const text = encodeJson(message);
    if (!always && text === this.#demandSent) return;
    if (this.#redis.pub.status !== 'ready') return;
    this.#demandSent = text;
    this.#redis.pub.publish(this.#channels.demand, text).catch(() => {
      this.#demandSent = '';
    });
  }

  #onMessage(channel: string, message: Buffer): void {
    if (this.#closed) return;
    const expected = this.#frameChannels.target(channel);
    const kind: BusMessageKind | undefined = expected
      ? 'frame'
      : this.#video.isVideoChannel(channel)
        ? 'video'
        : channel === this.#channels.state ? 'state' : channel === this.#channels.reply(this.id) ? 'reply' : undefined;
    if (kind === undefined) return; // a frame channel just left: not bad, only late
    // A message is checked here, and nothing it holds may throw out of Redis's event handler.
    try {
      if (expected) {
        this.#onFrame(channel, message, expected);
      } else if (kind === 'video') {
        this.#video.onMessage(channel, message); // (a video channel just left: ignored there)
      } else if (kind === 'state') {
        const state = decodeState(message);
        if (state.ok) this.#onState(state.value, true);
        else this.#bad.count('state', state.reason);
      } else {
        const reply = decodeReply(message);
        if (reply.ok) this.#onReply(reply.value);
        else this.#bad.count('reply', reply.reason);
      }
    } catch (error) {
      this.#bad.count('internal', `${kind}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #onFrame(channel: string, message: Buffer, expected: ChannelTarget): void {
    const decoded = decodeFrame(message, expected);
    if (!decoded.ok) return this.#bad.count('frame', decoded.reason);
    const { frame } = decoded.value;
    // One frame object per key the channel feeds and has not had it (the thinned full size is published as `f1`).
    const { keys, at } = this.#frameChannels.receive(channel, expected, frame);
    for (const key of keys) {
      const planned = frame.variant === key ? frame : { ...frame, variant: key };
      if (key === FULL_VARIANT) {
        this.#latest.set(planned.cameraId, { frame: planned, at });
        if (planned.cameraId === this.activeCameraId) this.#consumers.emit('value', planned);
      }
      this.#consumers.deliver(planned);
    }
  }

  #onReply(reply: UpdateReply): void {
    const settings = this.#commands.settle(reply);
    if (settings) this.#adoptSettings(settings);
  }

  async #fetchState(): Promise<void> {
    try {
      const text = await this.#redis.pub.getBuffer(this.#channels.state);
      if (!text || this.#closed) return;
      const state = decodeState(text);
      // A stored state is the capture node's last word; it proves it alive only if recent.
      if (state.ok) this.#onState(state.value, Date.now() - state.value.at < this.#captureTimeoutMs);
      else this.#bad.count('state', `the stored state: ${state.reason}`);
    } catch {
      // Redis away: the liveness check reports it.
    }
  }

  #onState(state: StateMessage, alive: boolean): void {
    if (alive) {
      this.#liveness.heard();
      if (state.node !== this.#node) {
        if (this.#node !== undefined) this.#logger.info({ node: state.node }, 'a new capture node is publishing');
        this.#node = state.node;
        this.#frameChannels.forgetFrames();
        this.#video.forgetChunks(this.#cameras.keys());
        this.#demandSent = '';
      }
    }
    const changed: string[] = [];
    for (const camera of state.cameras) {
      const previous = this.#cameras.get(camera.id);
      const next: CameraInfo = { ...camera, error: camera.error ?? undefined };
      if (!previous || JSON.stringify({ ...previous, consumers: 0 }) !== JSON.stringify({ ...next, consumers: 0 })) changed.push(camera.id);
      this.#cameras.set(camera.id, next);
    }
    const settingsChanged = this.#adoptSettings(state.settings);
    const wasDown = alive ? this.#liveness.recover() : undefined;
    if (wasDown) {
      this.#logger.info(`the capture node is reachable again (it was not: ${wasDown.message})`);
      for (const id of this.#cameras.keys()) if (!changed.includes(id)) changed.push(id);
    }
    if (!settingsChanged) this.#syncDemand();
    for (const id of changed) this.#emitStatus(id);
  }

  /** Takes the capture node's settings; emits `settings` when they differ. */
  #adoptSettings(settings: StreamSettings): boolean {
    if (this.#settings && sameSettings(this.#settings, settings)) return false;
    this.#settings = Object.freeze({ ...settings });
    this.#syncDemand();
    this.#consumers.emit('settings', this.#settings);
    return true;
  }

  #checkLiveness(): void {
    if (this.#closed) return;
    const outage = this.#liveness.check(this.#redis.status());
    if (!outage) return;
    this.#logger.warn(outage.message);
    for (const id of this.#cameras.keys()) this.#emitStatus(id);
  }

  #emitStatus(cameraId: string): void {
    if (!this.#cameras.has(cameraId) || this.#closed) return;
    this.#consumers.emit('status', this.#info(cameraId));
  }

  #info(id: string): CameraInfo {
    return this.#liveness.view(this.#cameras.get(id)!, this.#consumers.viewers(id) + this.#video.viewers(id));
  }
}
