/**
 * The settings of `servercam serve`: from a JSON config file, overridden by
 * flags. Validation names the offending key, so an invalid config gets one
 * clear error.
 *
 * ```json
 * {
 *   "host": "127.0.0.1",
 *   "port": 4000,
 *   "fps": 15,
 *   "quality": 80,
 *   "cameras": [
 *     { "id": "desk", "label": "Desk", "source": 0 },
 *     { "id": "clip", "label": "Demo clip", "source": "videos/demo.mp4", "loop": true }
 *   ]
 * }
 * ```
 * Relative file paths (camera sources, `uiDir`) are relative to the config file.
 * The keys, their checks and defaults are declared once, in config-schema.ts.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkDistinctTokens, checkToken, isObject } from './config-checks.ts';
import { ConfigError, type Problem } from './config-error.ts';
import { CONFIG, CONFIG_KEYS, type ConfigKey, type Context, type KeySpec, type ServeConfig } from './config-schema.ts';
import type { AuthTokens } from './security/index.ts';

export { ConfigError } from './config-error.ts';
export type { ServeConfig } from './config-schema.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Validates a parsed config object. `file` names it in errors; relative paths
 * resolve against `baseDir`; a camera's `credentials.passwordEnv` is read from `env`.
 */
export function parseConfig(value: unknown, file: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const problem: Problem = (key, message) => new ConfigError(key, `Invalid config ${file}: "${key}" ${message}`);
  if (!isObject(value)) throw problem('(root)', 'must be a JSON object, e.g. { "cameras": [{ "id": "desk", "source": 0 }] }');
  for (const key of Object.keys(value)) {
    if (!(CONFIG_KEYS as string[]).includes(key)) throw problem(key, `is not a setting (use ${CONFIG_KEYS.join(', ')})`);
  }
  const context: Context = { problem, baseDir, env };
  const config: Mutable<ServeConfig> = {};
  for (const key of CONFIG_KEYS) {
    if (value[key] === undefined) continue;
    const spec: KeySpec<unknown> = CONFIG[key];
    (config as Record<ConfigKey, unknown>)[key] = spec.check(value[key], key, context);
  }
  return config;
}

/** Reads and validates a JSON config file. */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<ServeConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String((cause as Error).message);
    throw new ConfigError('--config', `Cannot read config file ${file}: ${reason}`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError('(json)', `Invalid config ${file}: not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(value, file, dirname(file), env);
}

/**
 * The tokens from the env (`SERVERCAM_VIEWER_TOKEN`, `SERVERCAM_OPERATOR_TOKEN`,
 * `SERVERCAM_ADMIN_TOKEN`), over those of `config`. An empty variable counts as unset.
 */
export function withEnvTokens(given: ServeConfig, env: NodeJS.ProcessEnv): ServeConfig {
  const problem: Problem = (key, message) => new ConfigError(key, `Invalid environment variable ${key}: ${message}`);
  const metrics = env['SERVERCAM_METRICS_TOKEN'];
  const config = metrics ? { ...given, metricsToken: checkToken(metrics, 'SERVERCAM_METRICS_TOKEN', problem) } : given;
  const viewer = env['SERVERCAM_VIEWER_TOKEN'];
  const operator = env['SERVERCAM_OPERATOR_TOKEN'];
  const admin = env['SERVERCAM_ADMIN_TOKEN'];
  if (!viewer && !operator && !admin) return config;
  const auth: AuthTokens = {
    ...config.auth,
    ...(viewer ? { viewerToken: checkToken(viewer, 'SERVERCAM_VIEWER_TOKEN', problem) } : {}),
    ...(operator ? { operatorToken: checkToken(operator, 'SERVERCAM_OPERATOR_TOKEN', problem) } : {}),
    ...(admin ? { adminToken: checkToken(admin, 'SERVERCAM_ADMIN_TOKEN', problem) } : {}),
  };
  const sameProblem: Problem = (key, message) => new ConfigError(key, `Invalid tokens: ${key} ${message}`);
  checkDistinctTokens(
    auth,
    viewer ? 'SERVERCAM_VIEWER_TOKEN' : 'auth.viewerToken',
    operator ? 'SERVERCAM_OPERATOR_TOKEN' : 'auth.operatorToken',
    sameProblem,
    admin ? 'SERVERCAM_ADMIN_TOKEN' : 'auth.adminToken',
  );
  return { ...config, auth };
}

/** Flags override the file field by field; `--camera` flags replace the file's cameras. */
export function mergeConfig(file: ServeConfig, flags: ServeConfig): ServeConfig {
  const merged: Mutable<ServeConfig> = { ...file };
  for (const [key, value] of Object.entries(flags) as Array<[keyof ServeConfig, never]>) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

