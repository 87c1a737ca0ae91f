/**
 * `servercam serve`: runs the server with a resolved config until SIGINT or
 * SIGTERM, then shuts down gracefully.
 * @module
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redactSecrets } from '@servercam/core';
import { bannerText, publicBase } from './banner.ts';
import { configSecrets } from './config-credentials.ts';
import type { ServeConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { installProcessGuard } from './process-guard.ts';
import { configDefault } from './config-schema.ts';
import { DEFAULT_DATA_DIR } from './events/config.ts';
import { createServer } from './server.ts';

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 4500;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '';
  } catch {
    return '';
  }
}

export function handleSignals(server: { close(): Promise<void> }, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: completing subscriptions and releasing the cameras');
    const deadline = setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function listenFailure(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${port} on ${host} is in use: stop the other server or pick another --port`;
  if (code === 'EACCES') return `not allowed to listen on ${host}:${port}: pick a port above 1023`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `${host} is not an address of this machine`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Serves until a signal. Resolves once listening (the banner is logged);
 * exits the process itself on shutdown or when it cannot listen.
 * @throws {InvalidSettings} when the core refuses the cameras (a config problem, naming the field).
 */
/**
 * The data directory and the state file a role uses: `dataDir` (default
 * ./servercam-data) holds the database, and the state file unless one is
 * named (a gateway keeps none: the capture node owns the settings).
 */
export function withDataDir(config: ServeConfig, role: 'serve' | 'capture' | 'gateway'): ServeConfig {
  const dataDir = resolve(config.dataDir ?? DEFAULT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stateFile = role === 'gateway' ? undefined : (config.stateFile ?? join(dataDir, 'state.json'));
  return { ...config, dataDir, stateFile };
}

export async function serve(given: ServeConfig, role: 'serve' | 'capture' | 'gateway' = 'serve'): Promise<void> {
  const config = withDataDir(given, role);
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  // An error escaping one request closes that request's connection; one outside any request exits (process-guard.ts).
  installProcessGuard(logger);
  if (role === 'capture') return (await import('./roles/capture-main.ts')).runCapture(config, logger);
  const host = config.host ?? configDefault('host', role)!;
  const port = config.port ?? configDefault('port', role)!;
  // Capture runs in a supervised child process unless told otherwise: a native crash never takes the API down.
  const server = role === 'gateway'
    ? (await import('./roles/gateway.ts')).createGateway({ ...config, redisUrl: config.redis!, host, port, logger })
    : createServer({ ...config, host, port, logger, isolation: config.isolation ?? configDefault('isolation', role) });
  handleSignals(server, logger);
  try {
    await server.listen();
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen: ${listenFailure(error, host, port)}`);
    await server.close().catch(() => {});
    process.exit(1);
  }
  const address = server.address!;
  const base = publicBase(address.host, address.port);
  const links = server.app.links(base);
  const sources = new Map((config.cameras ?? []).map((camera) => [camera.id, String(camera.source)]));
  const cameras = links.cameras.map((camera) => ({
    id: camera.id,
    label: camera.label,
    source: redactSecrets(sources.get(camera.id) ?? 'synthetic'),
    mjpeg: camera.mjpeg,
  }));
  const uiBuilt = await server.app.hasUi();
  logger.info(
    { url: address.url, ui: links.ui, uiDir: uiBuilt ? server.app.uiDir : undefined, graphiql: links.graphiql, cameras },
    bannerText({ version: version(), base, ui: links.ui, uiBuilt, graphiql: links.graphiql, cameras }),
  );
}
