#!/usr/bin/env node
/**
 * The `servercam` command (`pnpm servercam serve ...` at the repository root).
 * Exit codes: 0 after a graceful shutdown, 1 when serving failed, 2 for an
 * invalid command line or config.
 * @module
 */
import { readFileSync } from 'node:fs';
import { redactSource } from '@servercam/core';
import { parseCommandLine, USAGE } from './args.ts';
import { bannerText, publicBase } from './banner.ts';
import { ConfigError, loadConfigFile, mergeConfig, type ServeConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createServer, DEFAULT_HOST, DEFAULT_PORT, type Servercam } from './server.ts';

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

function fail(message: string, code: number): never {
  process.stderr.write(`servercam: ${message}\n`);
  process.exit(code);
}

async function configFor(argv: readonly string[]): Promise<ServeConfig | undefined> {
  const command = parseCommandLine(argv);
  if (command.command === 'help') {
    process.stdout.write(USAGE);
    return undefined;
  }
  const file = command.configFile ? await loadConfigFile(command.configFile) : {};
  return mergeConfig(file, command.flags);
}

function handleSignals(server: Servercam, logger: Logger): void {
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

async function main(argv: readonly string[]): Promise<void> {
  let config: ServeConfig | undefined;
  try {
    config = await configFor(argv);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  if (!config) return;

  const logger = createLogger({ level: config.logLevel });
  const host = config.host ?? DEFAULT_HOST;
  const port = config.port ?? DEFAULT_PORT;
  let server: Servercam;
  try {
    server = createServer({ ...config, host, port, logger });
  } catch (error) {
    // The core's own checks (e.g. a camera list it refuses): a config problem too.
    if (error instanceof TypeError) fail(`Invalid config: ${error.message}`, 2);
    throw error;
  }
  handleSignals(server, logger);
  try {
    await server.listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE' ? `port ${port} on ${host} is in use: stop the other server or pick another --port`
        : code === 'EACCES' ? `not allowed to listen on ${host}:${port}: pick a port above 1023`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? `${host} is not an address of this machine`
            : error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error }, `cannot listen: ${reason}`);
    await server.close().catch(() => {});
    process.exit(1);
  }
  const address = server.address!;
  const base = publicBase(address.host, address.port);
  const links = server.app.links(base);
  const cameras = (config.cameras?.length ? config.cameras : server.stream.cameras.map((c) => ({ id: c.id, source: 'synthetic' }))).map(
    (camera) => ({
      id: camera.id,
      label: server.stream.camera(camera.id)?.label ?? camera.id,
      source: redactSource(String(camera.source)),
      mjpeg: links.cameras.find((link) => link.id === camera.id)?.mjpeg ?? '',
    }),
  );
  const uiBuilt = await server.app.hasUi();
  logger.info(
    { url: address.url, ui: links.ui, uiDir: uiBuilt ? server.app.uiDir : undefined, graphiql: links.graphiql, cameras },
    bannerText({ version: version(), base, ui: links.ui, uiBuilt, graphiql: links.graphiql, cameras }),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`servercam: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
