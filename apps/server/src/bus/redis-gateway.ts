/**
 * A gateway's frame bus: the {@link FrameBus} of a server with no camera of
 * its own, fed by the capture node over Redis (bus/redis-protocol.ts).
 *
 * - Cameras and settings come from the capture node's state messages. When
 *   the capture node is not heard for `captureTimeoutMs`, or Redis is away,
 *   every camera shows `error` (`BACKEND_UNAVAILABLE`) with a message saying
 *   which; they recover with the next state message.
 * - Frames: the gateway subscribes to the channels of the variants its own
 *   consumers need (plus the active camera's full size, like the core) and
 *   tells the capture node through its demand, refreshed before its TTL
 *   lapses. Each received frame becomes one `Frame` object shared by every
 *   local consumer of its variant, so the transports serialize it once.
 * - `update` is sent to the capture node, which applies it and answers; the
 *   change reaches every gateway through the state message.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  applySettings,
  type CameraInfo,
  type CameraStats,
  ErrorCode,
  type Frame,
  type FrameRequest,
  type FramesOptions,
  FULL_VARIANT,
  InvalidSettings,
  LatestValueIterator,
  normalizeVariant,
  type StreamEvents,
  type StreamSettings,
  type StreamSettingsPatch,
  type VariantSpec,
  variantKey,
} from '@servercam/core';
import type { Logger } from '../logger.ts';
import { BadMessages, type BusMessageKind } from './bad-messages.ts';
import { type BusHealth, type FrameBus, BusUnavailable } from './bus.ts';
import { connectRedis, type RedisPair } from './redis-connection.ts';
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
  type UpdateCommand,
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
}

interface Consumer {
  readonly cameraId: string | undefined;
  readonly spec: VariantSpec;
  readonly key: string;
  /** Not a viewer (a recorder): not counted in `consumers`. */
  readonly background: boolean;
  push(frame: Frame): void;
  end(): void;
}

interface Pending {
  resolve(settings: StreamSettings): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

const NO_SETTINGS: StreamSettings = Object.freeze({ paused: false, fps: 0, quality: 80, activeCameraId: '' });

function sameSettings(a: StreamSettings, b: StreamSettings): boolean {
  return a.paused === b.paused && a.fps === b.fps && a.quality === b.quality && a.activeCameraId === b.activeCameraId;
}

export class RedisFrameBus implements FrameBus {
  readonly id = randomUUID();
  readonly #redis: RedisPair;
  readonly #channels: Channels;
  readonly #logger: Logger;
  readonly #captureTimeoutMs: number;
  readonly #demandTtlMs: number;
  readonly #commandTimeoutMs: number;
  readonly #listeners = new Map<keyof StreamEvents, Set<(value: never) => void>>();
  readonly #cameras = new Map<string, CameraInfo>();
  readonly #latest = new Map<string, Frame>();
  /** Per frame channel, the last frame's `seq:capturedAt` (a republished picture is not delivered twice). */
  readonly #lastFrame = new Map<string, string>();
  readonly #consumers = new Set<Consumer>();
  /** The frame channels subscribed to, each with the camera and variant its frames must be of. */
  readonly #frameChannels = new Map<string, { readonly cameraId: string; readonly variant: string }>();
  readonly #bad: BadMessages;
  readonly #pending = new Map<string, Pending>();
  readonly #timers: NodeJS.Timeout[] = [];
  #settings: StreamSettings | undefined;
  #node: string | undefined;
  #lastStateAt = 0;
  readonly #createdAt = Date.now();
  #down: { kind: 'start' | 'redis' | 'capture'; message: string; at: number } | undefined = {
    kind: 'start',
    message: 'Not connected to the capture node yet',
    at: Date.now(),
  };
  #demandSent = '';
  #starting: Promise<void> | undefined;
  #closed = false;

  constructor(options: RedisGatewayOptions) {
    this.#logger = options.logger.child({ component: 'redis-bus' });
    this.#channels = channels(options.prefix ?? DEFAULT_PREFIX);
    this.#captureTimeoutMs = options.captureTimeoutMs ?? 3000;
    this.#demandTtlMs = options.demandTtlMs ?? 6000;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 3000;
    this.#bad = new BadMessages(this.#logger, options.badMessageLogIntervalMs);
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
    if (this.#down || !this.#settings) {
      return Promise.reject(new BusUnavailable(`Settings cannot change now: ${this.#down?.message ?? 'the capture node has not been heard yet'}`));
    }
    // Validated here first (the same rules as the capture node): a bad input costs no round trip.
    applySettings(this.#settings, patch, new Set(this.#cameras.keys()));
    const id = randomUUID();
    const command: UpdateCommand = { type: 'update', id, gateway: this.id, patch };
    return new Promise<StreamSettings>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BusUnavailable(`The capture node did not answer within ${this.#commandTimeoutMs / 1000} s: the settings may not have changed`));
      }, this.#commandTimeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#redis.pub.publish(this.#channels.command, encodeJson(command)).catch((error: unknown) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new BusUnavailable(`Redis is unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      });
    });
  }

  // ---- cameras --------------------------------------------------------------------------

  get cameras(): CameraInfo[] {
    return [...this.#cameras.keys()].map((id) => this.#info(id));
  }

  camera(id: string): CameraInfo | undefined {
    return this.#cameras.has(id) ? this.#info(id) : undefined;
  }

  latest(cameraId: string = this.activeCameraId): Frame | undefined {
    return this.#latest.get(cameraId);
  }

  // ---- consumers ------------------------------------------------------------------------

  frames(options: FramesOptions = {}): LatestValueIterator<Frame> {
    const iterator = new LatestValueIterator<Frame>(() => this.#remove(consumer), options.signal);
    const consumer = this.#add(options, (frame) => iterator.push(frame), () => iterator.close());
    if (this.#closed) iterator.close();
    return iterator;
  }

  subscribe(request: FrameRequest, listener: (frame: Frame) => void | Promise<void>): () => void {
    let busy = false;
    let pending: Frame | undefined;
    let active = true;
    const run = (frame: Frame): void => {
      let result: void | Promise<void>;
      try {
        result = listener(frame);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
        return;
      }
      if (!result || typeof result.then !== 'function') return;
      busy = true;
      const done = (): void => {
        busy = false;
        const next = pending;
        pending = undefined;
        if (next && active) run(next);
      };
      result.then(done, (error: unknown) => {
        done();
        queueMicrotask(() => {
          throw error;
        });
      });
    };
    const consumer = this.#add(request, (frame) => {
      if (busy) pending = frame;
      else run(frame);
    }, () => {});
    return () => {
      active = false;
      this.#remove(consumer);
    };
  }

  on<K extends keyof StreamEvents>(event: K, listener: (value: StreamEvents[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => void set.delete(listener as (value: never) => void);
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Connects and reads the capture node's last state; resolves within ~3 s even when Redis is away. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      const pub = this.#redis.pub;
      if (pub.status !== 'ready') {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 3000);
          function done(): void {
            clearTimeout(timer);
            pub.off('ready', done);
            resolve();
          }
          pub.on('ready', done);
        });
      }
      await this.#fetchState();
    })();
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
        reachable: this.#down === undefined,
        lastSeenAt: this.#lastStateAt > 0 ? new Date(this.#lastStateAt).toISOString() : undefined,
      },
      badMessages: this.#bad.stats(),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const consumer of [...this.#consumers]) {
      this.#consumers.delete(consumer);
      consumer.end();
    }
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new BusUnavailable('This gateway is shutting down'));
      this.#pending.delete(id);
    }
    // Withdraw the demand at once rather than letting it lapse.
    const empty: DemandMessage = { type: 'demand', gateway: this.id, ttlMs: this.#demandTtlMs, cameras: {} };
    await this.#redis.pub.publish(this.#channels.demand, encodeJson(empty)).catch(() => {});
    await this.#redis.close();
    this.#listeners.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- internals ------------------------------------------------------------------------

  #emit<K extends keyof StreamEvents>(event: K, value: StreamEvents[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) (listener as (value: StreamEvents[K]) => void)(value);
  }

  #add(request: FrameRequest, push: (frame: Frame) => void, end: () => void): Consumer {
    if (request.cameraId !== undefined && !this.#cameras.has(request.cameraId)) {
      throw new TypeError(`Unknown camera "${request.cameraId}"`);
    }
    const spec = normalizeVariant(request);
    const consumer: Consumer = { cameraId: request.cameraId, spec, key: variantKey(spec), background: request.background === true, push, end };
    if (this.#closed) return consumer;
    this.#consumers.add(consumer);
    this.#syncDemand();
    this.#emitStatus(consumer.cameraId ?? this.activeCameraId);
    return consumer;
  }

  #remove(consumer: Consumer): void {
    if (!this.#consumers.delete(consumer)) return;
    this.#syncDemand();
    if (!this.#closed) this.#emitStatus(consumer.cameraId ?? this.activeCameraId);
  }

  #consumersOf(cameraId: string): Consumer[] {
    const active = cameraId === this.activeCameraId;
    return [...this.#consumers].filter((c) => c.cameraId === cameraId || (active && c.cameraId === undefined));
  }

  /** The variants this gateway needs per camera: its consumers', plus the active camera's full size. */
  #demand(): Map<string, Map<string, VariantSpec>> {
    const demand = new Map<string, Map<string, VariantSpec>>();
    const want = (cameraId: string, key: string, spec: VariantSpec): void => {
      if (!this.#cameras.has(cameraId)) return;
      let variants = demand.get(cameraId);
      if (!variants) demand.set(cameraId, (variants = new Map()));
      variants.set(key, spec);
    };
    if (this.#settings) want(this.#settings.activeCameraId, FULL_VARIANT, {});
    for (const consumer of this.#consumers) {
      const cameraId = consumer.cameraId ?? this.#settings?.activeCameraId;
      if (cameraId !== undefined) want(cameraId, consumer.key, consumer.spec);
    }
    return demand;
  }

  /** Subscribes to the frame channels of the demand, and tells the capture node when it changed. */
  #syncDemand(): void {
    if (this.#closed) return;
    const demand = this.#demand();
    const wanted = new Map<string, { cameraId: string; variant: string }>();
    for (const [cameraId, variants] of demand) for (const variant of variants.keys()) wanted.set(this.#channels.frame(cameraId, variant), { cameraId, variant });
    const added = [...wanted.keys()].filter((channel) => !this.#frameChannels.has(channel));
    const removed = [...this.#frameChannels.keys()].filter((channel) => !wanted.has(channel));
    for (const channel of removed) {
      this.#frameChannels.delete(channel);
      this.#lastFrame.delete(channel);
    }
    for (const channel of added) this.#frameChannels.set(channel, wanted.get(channel)!);
    // A camera whose full size is no longer received keeps no stale picture.
    for (const cameraId of this.#latest.keys()) {
      if (!wanted.has(this.#channels.frame(cameraId, FULL_VARIANT))) this.#latest.delete(cameraId);
    }
    if (removed.length > 0) void this.#redis.sub.unsubscribe(...removed).catch(() => {});
    if (added.length > 0) void this.#redis.sub.subscribe(...added).catch(() => {});
    this.#publishDemand(false);
  }

  #publishDemand(always: boolean): void {
    if (this.#closed) return;
    const cameras: Record<string, VariantSpec[]> = {};
    for (const [cameraId, variants] of this.#demand()) cameras[cameraId] = [...variants.values()];
    const message: DemandMessage = { type: 'demand', gateway: this.id, ttlMs: this.#demandTtlMs, cameras };
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
    const expected = this.#frameChannels.get(channel);
    const kind: BusMessageKind | undefined = expected ? 'frame' : channel === this.#channels.state ? 'state' : channel === this.#channels.reply(this.id) ? 'reply' : undefined;
    if (kind === undefined) return; // a frame channel just left: not bad, only late
    // A message is checked here, and nothing it holds may throw out of Redis's event handler.
    try {
      if (expected) {
        this.#onFrame(channel, message, expected);
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

  #onFrame(channel: string, message: Buffer, expected: { readonly cameraId: string; readonly variant: string }): void {
    const decoded = decodeFrame(message, expected);
    if (!decoded.ok) return this.#bad.count('frame', decoded.reason);
    const { frame } = decoded.value;
    const mark = `${frame.seq}:${frame.capturedAt}`;
    if (this.#lastFrame.get(channel) === mark) return;
    this.#lastFrame.set(channel, mark);
    const isActive = frame.cameraId === this.activeCameraId;
    if (frame.variant === FULL_VARIANT) {
      this.#latest.set(frame.cameraId, frame);
      if (isActive) this.#emit('value', frame);
    }
    for (const consumer of this.#consumers) {
      if (consumer.key !== frame.variant) continue;
      if (consumer.cameraId === frame.cameraId || (consumer.cameraId === undefined && isActive)) consumer.push(frame);
    }
  }

  #onReply(reply: UpdateReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.settings) {
      this.#adoptSettings(reply.settings);
      pending.resolve(reply.settings);
    } else if (reply.error?.code === ErrorCode.InvalidSettings) {
      pending.reject(new InvalidSettings(reply.error.field ?? '', reply.error.message));
    } else {
      pending.reject(new Error(reply.error?.message ?? 'The capture node refused the change'));
    }
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
      this.#lastStateAt = Date.now();
      if (state.node !== this.#node) {
        if (this.#node !== undefined) this.#logger.info({ node: state.node }, 'a new capture node is publishing');
        this.#node = state.node;
        this.#lastFrame.clear();
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
    const wasDown = this.#down;
    if (alive && wasDown) {
      this.#down = undefined;
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
    this.#emit('settings', this.#settings);
    return true;
  }

  #checkLiveness(): void {
    if (this.#closed) return;
    const redis = this.#redis.status();
    let reason: string | undefined;
    if (!redis.connected) reason = `Redis at ${redis.url} is unreachable (${redis.status}): no frames from the capture node`;
    else if (Date.now() - (this.#lastStateAt || this.#createdAt) > this.#captureTimeoutMs) {
      reason = this.#lastStateAt === 0
        ? 'The capture node has not been heard through Redis yet: is `servercam capture` running with the same --redis?'
        : `The capture node is not responding: nothing heard from it through Redis for ${Math.round((Date.now() - this.#lastStateAt) / 1000)} s`;
    }
    // Recovery comes with the next state message; an outage keeps its first time, its message follows its cause.
    if (reason === undefined) return;
    const kind = redis.connected ? 'capture' : 'redis';
    if (this.#down?.kind === kind) return;
    // Just started: the first connection gets its chance before anything is reported.
    if (this.#down?.kind === 'start' && Date.now() - this.#createdAt < this.#captureTimeoutMs) return;
    this.#down = { kind, message: reason, at: this.#down?.at ?? Date.now() };
    this.#logger.warn(reason);
    for (const id of this.#cameras.keys()) this.#emitStatus(id);
  }

  #emitStatus(cameraId: string): void {
    if (!this.#cameras.has(cameraId) || this.#closed) return;
    this.#emit('status', this.#info(cameraId));
  }

  #info(id: string): CameraInfo {
    const camera = this.#cameras.get(id)!;
    const consumers = this.#consumersOf(id).filter((consumer) => !consumer.background).length;
    if (this.#down) {
      return {
        ...camera,
        status: 'error',
        error: { code: ErrorCode.BackendUnavailable, message: this.#down.message, at: this.#down.at },
        measuredFps: 0,
        consumers,
        motion: false,
      };
    }
    return { ...camera, consumers };
  }
}
