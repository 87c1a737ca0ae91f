/**
 * The one error of an invalid config: a file key, a flag or an environment
 * variable, named by `key`. The CLI turns it (and only it) into exit code 2.
 * @module
 */
import { InvalidSettings } from '@servercam/core';

/** An invalid config file or flag. `key` names it: `cameras[1].source`, `--port`. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  readonly key: string;
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
    this.key = key;
  }
}

/** Makes the error of one key; each source (file, flag, env) words it its own way. */
export type Problem = (key: string, message: string) => Error;

/**
 * The config problem `error` is, if it is one: a {@link ConfigError}, or the
 * core's {@link InvalidSettings} (it refused a setting or a camera list the
 * config gave it, naming the `field`). Anything else, a `TypeError` included,
 * is a programming error and is not one.
 */
export function asConfigError(error: unknown): ConfigError | undefined {
  if (error instanceof ConfigError) return error;
  if (error instanceof InvalidSettings) return new ConfigError(error.field, `Invalid config: "${error.field}": ${error.message}`, { cause: error });
  return undefined;
}
