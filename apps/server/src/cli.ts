#!/usr/bin/env node
/**
 * The `servercam` command (`pnpm servercam serve ...` at the repository root).
 * Exit codes: 0 after a graceful shutdown, 1 when serving failed, 2 for an
 * invalid command line or config.
 * @module
 */
import { redactSecrets } from '@servercam/core';
import { parseCommandLine, USAGE } from './args.ts';
import { loadConfigFile, mergeConfig, withEnvTokens } from './config.ts';
import { asConfigError, ConfigError } from './config-error.ts';
import { checkExposure, ExposureError } from './security/index.ts';

function fail(message: string, code: number): never {
  process.stderr.write(`servercam: ${redactSecrets(message)}\n`);
  process.exit(code);
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'token') {
    const { runTokenCommand } = await import('./access/cli-token.ts');
    try {
      await runTokenCommand(argv.slice(1), {
        out: (text) => process.stdout.write(text),
        dataDirOf: async (file) => (await loadConfigFile(file)).dataDir,
      });
    } catch (error) {
      const problem = asConfigError(error);
      if (problem) fail(problem.message, 2);
      throw error;
    }
    return;
  }
  let command;
  let config;
  try {
    command = parseCommandLine(argv);
    if (command.command === 'help') {
      process.stdout.write(USAGE);
      return;
    }
    config = withEnvTokens(mergeConfig(command.configFile ? await loadConfigFile(command.configFile) : {}, command.flags), process.env);
    const auth = config.auth ?? {};
    if (command.command !== 'serve' && !config.redis) {
      throw new ConfigError('--redis', `servercam ${command.command} needs --redis URL (or "redis" in the config file), e.g. --redis redis://127.0.0.1:6379`);
    }
    if (command.command === 'serve' && config.redis) {
      throw new ConfigError('--redis', '--redis is for "servercam capture" and "servercam gateway"; "serve" captures and serves in one process');
    }
    if (command.command === 'gateway' && config.cameras) {
      throw new ConfigError('cameras', 'a gateway has no camera of its own: give the cameras to "servercam capture"');
    }
    checkExposure(config.host ?? '127.0.0.1', Boolean(auth.viewerToken || auth.operatorToken || auth.adminToken), config.insecureNoAuth === true);
  } catch (error) {
    if (error instanceof ExposureError) fail(error.message, 2);
    const problem = asConfigError(error);
    if (problem) fail(problem.message, 2);
    throw error;
  }
  // The server and its dependencies load only once the command line is known good.
  const { serve } = await import('./serve.ts');
  try {
    await serve(config, command.command);
  } catch (error) {
    // The core's own refusals of the config (InvalidSettings, naming the field) are config problems;
    // anything else, a TypeError included, is a bug and surfaces as one (exit 1, with its stack).
    const problem = asConfigError(error);
    if (problem) fail(problem.message, 2);
    throw error;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`servercam: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  process.exit(1);
});
