/**
 * The gateway role (`servercam gateway --redis URL`): the whole server
 * (GraphQL, MJPEG, snapshots, the UI) with no camera of its own, its frame
 * bus fed by the capture node over Redis. Run as many as needed behind a load
 * balancer (docs/deploy.md).
 * @module
 */
import { SERVER_VALUE_FPS } from '../app-options.ts';
import { RedisFrameBus } from '../bus/redis-gateway.ts';
import { RedisSessionSync } from '../bus/redis-sessions.ts';
import { silentLogger } from '../logger.ts';
import { createServer, type Servercam, type ServerOptions } from '../server.ts';

export interface GatewayOptions extends Omit<ServerOptions, 'cameras' | 'bus' | 'isolation' | 'supervision' | 'tuning' | 'videoStandby'> {
  readonly redisUrl: string;
  /** Channel prefix (default `servercam`): the capture node's. */
  readonly redisPrefix?: string | undefined;
  /** Cameras show ERROR after this long without hearing the capture node (ms, default 3000). */
  readonly captureTimeoutMs?: number | undefined;
  /** How long the capture node keeps this gateway's demand without a refresh (ms, default 6000). */
  readonly demandTtlMs?: number | undefined;
  /** The least time between two warnings about bad Redis messages of one kind (ms, default 60 000). */
  readonly badMessageLogIntervalMs?: number | undefined;
}

export function createGateway(options: GatewayOptions): Servercam {
  const logger = options.logger ?? silentLogger();
  const bus = new RedisFrameBus({
    redisUrl: options.redisUrl,
    prefix: options.redisPrefix,
    logger,
    captureTimeoutMs: options.captureTimeoutMs,
    demandTtlMs: options.demandTtlMs,
    badMessageLogIntervalMs: options.badMessageLogIntervalMs,
    // The gateway keeps its own GOPs and consumer queues; the capture node caps the encoders.
    videoGopBytes: options.limits?.videoGopBytes,
    // The active camera's full size only once a second while no viewer here takes it (app-options.ts).
    valueFps: SERVER_VALUE_FPS,
  });
  // Settings kept across restarts belong to the capture node, which owns them.
  return createServer({
    ...options,
    stateFile: undefined,
    logger,
    bus,
    // A sign-out on one gateway is a sign-out on all.
    sessionSync: (revocations) => new RedisSessionSync({ redisUrl: options.redisUrl, prefix: options.redisPrefix, logger, revocations }),
  });
}
