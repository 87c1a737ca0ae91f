/**
 * Whether a gateway hears its capture node (bus/redis-gateway.ts): Redis
 * connected, and a state message within `timeoutMs`. While not, every camera
 * shows `error` (`BACKEND_UNAVAILABLE`) with a message saying which.
 * @module
 */
import { type CameraInfo, ErrorCode } from '@servercam/core';

/** Why the capture node is not heard, since when. `start`: not yet heard, still within the first timeout. */
export interface Outage {
  readonly kind: 'start' | 'redis' | 'capture';
  readonly message: string;
  readonly at: number;
}

export class CaptureLiveness {
  readonly #timeoutMs: number;
  readonly #createdAt = Date.now();
  #lastStateAt = 0;
  #down: Outage | undefined = { kind: 'start', message: 'Not connected to the capture node yet', at: Date.now() };

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** The current outage, if any. */
  get down(): Outage | undefined {
    return this.#down;
  }

  /** When the capture node was last heard (ms since the epoch; 0: never). */
  get lastStateAt(): number {
    return this.#lastStateAt;
  }

  /** A live state message arrived. */
  heard(): void {
    this.#lastStateAt = Date.now();
  }

  /** Ends the outage (after a live state message is taken in); returns it. */
  recover(): Outage | undefined {
    const was = this.#down;
    this.#down = undefined;
    return was;
  }

  /**
   * Checks the connection and the heartbeat; returns the outage when one
   * starts or changes cause. Recovery comes with the next state message; an
   * outage keeps its first time, its message follows its cause.
   */
  check(redis: { readonly connected: boolean; readonly url: string; readonly status: string }): Outage | undefined {
    let reason: string | undefined;
    if (!redis.connected) reason = `Redis at ${redis.url} is unreachable (${redis.status}): no frames from the capture node`;
    else if (Date.now() - (this.#lastStateAt || this.#createdAt) > this.#timeoutMs) {
      reason = this.#lastStateAt === 0
        ? 'The capture node has not been heard through Redis yet: is `servercam capture` running with the same --redis?'
        : `The capture node is not responding: nothing heard from it through Redis for ${Math.round((Date.now() - this.#lastStateAt) / 1000)} s`;
    }
    if (reason === undefined) return undefined;
    const kind = redis.connected ? 'capture' : 'redis';
    if (this.#down?.kind === kind) return undefined;
    // Just started: the first connection gets its chance before anything is reported.
    if (this.#down?.kind === 'start' && Date.now() - this.#createdAt < this.#timeoutMs) return undefined;
    this.#down = { kind, message: reason, at: this.#down?.at ?? Date.now() };
    return this.#down;
  }

  /** A camera as the gateway reports it: in error while the capture node is not heard. */
  view(camera: CameraInfo, consumers: number): CameraInfo {
    const down = this.#down;
    if (!down) return { ...camera, consumers };
    return {
      ...camera,
      status: 'error',
      error: { code: ErrorCode.BackendUnavailable, message: down.message, at: down.at },
      measuredFps: 0,
      consumers,
      motion: false,
    };
  }
}
