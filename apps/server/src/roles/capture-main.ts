/**
 * `servercam capture --redis URL`: runs a capture node until SIGINT or
 * SIGTERM. Its port (default 4001) serves `/healthz` only.
 * @module
 */
import { redactSecrets } from '@servercam/core';
import type { ServeConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { handleSignals, listenFailure } from '../serve.ts';
import { configDefault } from '../config-schema.ts';
import { CaptureServer } from './capture.ts';

/** The capture node's port when none is given (config-schema.ts). */
export const DEFAULT_CAPTURE_PORT = configDefault('port', 'capture')!;

export async function runCapture(config: ServeConfig, logger: Logger): Promise<void> {
  const host = config.host ?? configDefault('host', 'capture')!;
  const port = config.port ?? DEFAULT_CAPTURE_PORT;
  const server = new CaptureServer({
    redisUrl: config.redis!,
    cameras: config.cameras,
    fps: config.fps,
    quality: config.quality,
    paused: config.paused,
    isolation: config.isolation ?? configDefault('isolation', 'capture'),
    videoStandby: config.videoStandby,
    stateFile: config.stateFile,
    allowedHosts: config.allowedHosts,
    maxVariantsPerCamera: config.limits?.maxVariantsPerCamera,
    maxVideoVariantsPerCamera: config.limits?.maxVideoVariantsPerCamera,
    videoGopBytes: config.limits?.videoGopBytes,
    auth: config.auth,
    insecureNoAuth: config.insecureNoAuth,
    host,
    port,
    logger,
  });
  handleSignals(server, logger);
  let url: string;
  try {
    url = (await server.listen()).url;
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen: ${listenFailure(error, host, port)}`);
    await server.close().catch(() => {});
    process.exit(1);
  }
  const cameras = server.cameras.list().map((camera) => ({
    id: camera.id,
    source: redactSecrets(String(config.cameras?.find((c) => c.id === camera.id)?.source ?? 'synthetic')),
  }));
  logger.info(
    { role: 'capture', healthz: `${url}/healthz`, redis: redactSecrets(config.redis!), cameras },
    `servercam capture node: ${cameras.length} camera(s) (${cameras.map((c) => c.id).join(', ')}) published through ${redactSecrets(config.redis!)}; health at ${url}/healthz`,
  );
}
