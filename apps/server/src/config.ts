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
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  applySettings,
  type CameraConfig,
  DEFAULT_FPS,
  DEFAULT_QUALITY,
  InvalidSettings,
  parseSource,
} from '@servercam/core';
import { checkCredentials } from './config-credentials.ts';
import { checkEvents, checkMotion } from './events/config.ts';
import type { EventsOptions } from './events/service.ts';
import { LOG_LEVELS } from './logger.ts';
import { type AuthTokens, DEFAULT_LIMITS, LIMIT_KEYS, LIMIT_MAX, type Limits, parseAllowedHost, parseProxyEntry, tokenProblem } from './security/index.ts';
import type { LevelWithSilent } from 'pino';

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

export interface ServeConfig {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly fps?: number | undefined;
  readonly quality?: number | undefined;
  readonly paused?: boolean | undefined;
  readonly cameras?: readonly CameraConfig[] | undefined;
  readonly uiDir?: string | undefined;
  readonly logLevel?: LevelWithSilent | undefined;
  /** Other sites whose pages may use the API (e.g. a UI dev server): `http://localhost:5173`. */
  readonly allowedOrigins?: readonly string[] | undefined;
  /** Host names and addresses served besides loopback and the bound address (DNS rebinding): `cams.example.org`, `.example.org`. */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Reverse proxies (addresses, CIDR blocks) whose X-Forwarded-For is believed for limits and logs. */
  readonly trustedProxies?: readonly string[] | undefined;
  /** Tokens of the two roles; `SERVERCAM_VIEWER_TOKEN` / `SERVERCAM_OPERATOR_TOKEN` override them. */
  readonly auth?: AuthTokens | undefined;
  /** Listen beyond loopback with no auth: only on a trusted network. */
  readonly insecureNoAuth?: boolean | undefined;
  readonly limits?: Partial<Limits> | undefined;
  /** Where the settings changed through `updateStream` are kept across restarts. */
  readonly stateFile?: string | undefined;
  /** Where capture runs; `serve` defaults to `process`. */
  readonly isolation?: 'worker' | 'process' | undefined;
  /** Where motion events, snapshots and clips are kept (default ./servercam-data). */
  readonly dataDir?: string | undefined;
  /** Retention and recording of motion events. */
  readonly events?: EventsOptions | undefined;
  /** `capture` and `gateway`: the Redis they meet on (`redis://host:6379`). */
  readonly redis?: string | undefined;
}

const CAMERA_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOP_KEYS = [
  'host',
  'port',
  'fps',
  'quality',
  'paused',
  'cameras',
  'uiDir',
  'logLevel',
  'allowedOrigins',
  'allowedHosts',
  'trustedProxies',
  'auth',
  'insecureNoAuth',
  'limits',
  'stateFile',
  'isolation',
  'dataDir',
  'events',
  'redis',
] as const;
const CAMERA_KEYS = ['id', 'label', 'source', 'loop', 'realtime', 'motion', 'credentials'] as const;


type Problem = (key: string, message: string) => ConfigError;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkHost(value: unknown, key: string, problem: Problem): string {
  if (typeof value !== 'string' || value.trim() === '') throw problem(key, 'must be a host name or IP address, e.g. "127.0.0.1"');
  return value.trim();
}

export function checkPort(value: unknown, key: string, problem: Problem): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw problem(key, `must be a whole number from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** fps and quality, by the core's own rules. */
export function checkSetting(name: 'fps' | 'quality', value: unknown, key: string, problem: Problem): number {
  if (typeof value !== 'number') throw problem(key, `must be a number, got ${JSON.stringify(value)}`);
  try {
    applySettings({ paused: false, fps: DEFAULT_FPS, quality: DEFAULT_QUALITY, activeCameraId: 'x' }, { [name]: value }, new Set(['x']));
  } catch (error) {
    if (error instanceof InvalidSettings) throw problem(key, error.message.replace(new RegExp(`^${name} `), ''));
    throw error;
  }
  return value;
}

/** An origin as browsers send it: scheme, host and port, nothing more. */
export function checkOrigin(value: unknown, key: string, problem: Problem): string {
  let origin: string | undefined;
  try {
    origin = typeof value === 'string' ? new URL(value).origin : undefined;
  } catch {
    origin = undefined;
  }
  if (origin === undefined || origin === 'null' || origin !== value) {
    throw problem(key, `must be an origin like "http://localhost:5173" (scheme, host and port, no path), got ${JSON.stringify(value)}`);
  }
  return origin;
}

/** An `allowedHosts` entry: a host name, an IP address, or `.example.org` (that domain and its subdomains); no port, no `*`. */
export function checkAllowedHost(value: unknown, key: string, problem: Problem): string {
  if (typeof value !== 'string' || !parseAllowedHost(value)) {
    throw problem(key, `must be a host name ("cams.example.org"), an IP address, or ".example.org" for a domain and its subdomains (no port, no "*"), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A `trustedProxies` entry: an IP address or a CIDR block. */
export function checkTrustedProxy(value: unknown, key: string, problem: Problem): string {
  if (typeof value !== 'string' || !parseProxyEntry(value)) {
    throw problem(key, `must be an IP address ("10.0.0.5") or a CIDR block ("10.0.0.0/8", "fd00::/8"), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A list of strings, each checked by `check`. */
function checkList(value: unknown, key: string, example: string, problem: Problem, check: (item: unknown, key: string, problem: Problem) => string): string[] {
  if (!Array.isArray(value)) throw problem(key, `must be a list, e.g. ${example}`);
  return value.map((item: unknown, index) => check(item, `${key}[${index}]`, problem));
}

export function checkLogLevel(value: unknown, key: string, problem: Problem): LevelWithSilent {
  if (typeof value !== 'string' || !LOG_LEVELS.includes(value as LevelWithSilent)) {
    throw problem(key, `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as LevelWithSilent;
}

/**
 * A camera source, checked by the core's parser. File paths are made absolute
 * against `baseDir`, so they do not depend on where the server is started.
 */
export function checkSource(value: unknown, key: string, problem: Problem, baseDir: string): string | number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value !== 'string' || value.trim() === '') {
    throw problem(key, 'must be a device number, a video file, an rtsp:// or http(s):// URL, or "synthetic[:WIDTHxHEIGHT[@FPS]]"');
  }
  let spec;
  try {
    spec = parseSource(value);
  } catch (error) {
    throw problem(key, error instanceof Error ? error.message : String(error));
  }
  if (spec.kind === 'file') return resolve(baseDir, spec.path);
  return spec.kind === 'device' && typeof spec.device === 'number' ? spec.device : spec.text;
}

/** A token: printable, no spaces, hard enough to guess (security/token-strength.ts). Never echoed in the error. */
export function checkToken(value: unknown, key: string, problem: Problem): string {
  const reason = typeof value === 'string' ? tokenProblem(value) : tokenProblem('');
  if (reason !== undefined) throw problem(key, reason);
  return value as string;
}

/** Refuses one token for both roles, naming where each came from. */
function checkDistinctTokens(auth: AuthTokens, viewerKey: string, operatorKey: string, problem: Problem): void {
  if (auth.viewerToken && auth.viewerToken === auth.operatorToken) {
    throw problem(viewerKey, `must not be the same as ${operatorKey}: with one token for both roles every viewer is an operator`);
  }
}

/** A Redis URL: `redis://[user:password@]host[:port][/db]` or `rediss://` (TLS). */
export function checkRedisUrl(value: unknown, key: string, problem: Problem): string {
  let protocol: string | undefined;
  try {
    protocol = typeof value === 'string' ? new URL(value).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw problem(key, `must be a Redis URL like "redis://127.0.0.1:6379" (or rediss:// for TLS), got ${JSON.stringify(value)}`);
  }
  return value as string;
}

export function checkIsolation(value: unknown, key: string, problem: Problem): 'worker' | 'process' {
  if (value !== 'worker' && value !== 'process') throw problem(key, `must be "process" or "worker", got ${JSON.stringify(value)}`);
  return value;
}

function checkLimits(value: unknown, problem: Problem): Partial<Limits> {
  if (!isObject(value)) throw problem('limits', `must be an object, e.g. { "maxDepth": ${DEFAULT_LIMITS.maxDepth} }`);
  const limits: Partial<Record<keyof Limits, number>> = {};
  for (const [key, limit] of Object.entries(value)) {
    if (!(LIMIT_KEYS as string[]).includes(key)) throw problem(`limits.${key}`, `is not a limit (use ${LIMIT_KEYS.join(', ')})`);
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw problem(`limits.${key}`, `must be a whole number of at least 1, got ${JSON.stringify(limit)}`);
    const max = LIMIT_MAX[key as keyof Limits];
    if (max !== undefined && limit > max) throw problem(`limits.${key}`, `must be at most ${max}, got ${limit}`);
    limits[key as keyof Limits] = limit;
  }
  return limits;
}

function checkAuth(value: unknown, problem: Problem): AuthTokens {
  if (!isObject(value)) throw problem('auth', 'must be an object, e.g. { "viewerToken": "...", "operatorToken": "..." }');
  const auth: { viewerToken?: string; operatorToken?: string } = {};
  for (const key of Object.keys(value)) {
    if (key !== 'viewerToken' && key !== 'operatorToken') throw problem(`auth.${key}`, 'is not an auth setting (use viewerToken, operatorToken)');
    auth[key] = checkToken(value[key], `auth.${key}`, problem);
  }
  checkDistinctTokens(auth, 'auth.viewerToken', 'auth.operatorToken', problem);
  return auth;
}

export function checkCameraId(value: unknown, key: string, problem: Problem): string {
  if (typeof value !== 'string' || !CAMERA_ID.test(value)) {
    throw problem(key, `must be 1 to 64 letters, digits, "-" or "_", got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkCameras(value: unknown, problem: Problem, baseDir: string, env: NodeJS.ProcessEnv): CameraConfig[] {
  if (!Array.isArray(value) || value.length === 0) throw problem('cameras', 'must be a non-empty list of cameras, e.g. [{ "id": "desk", "source": 0 }]');
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const at = `cameras[${index}]`;
    if (!isObject(entry)) throw problem(at, 'must be an object with "id" and "source"');
    for (const key of Object.keys(entry)) {
      if (!(CAMERA_KEYS as readonly string[]).includes(key)) throw problem(`${at}.${key}`, `is not a camera setting (use ${CAMERA_KEYS.join(', ')})`);
    }
    const id = checkCameraId(entry['id'], `${at}.id`, problem);
    if (seen.has(id)) throw problem(`${at}.id`, `"${id}" is used by another camera`);
    seen.add(id);
    if (entry['source'] === undefined) throw problem(`${at}.source`, 'is missing');
    const camera: { -readonly [K in keyof CameraConfig]: CameraConfig[K] } = {
      id,
      source: checkSource(entry['source'], `${at}.source`, problem, baseDir),
    };
    if (entry['label'] !== undefined) {
      if (typeof entry['label'] !== 'string' || entry['label'].trim() === '') throw problem(`${at}.label`, 'must be a non-empty string');
      camera.label = entry['label'];
    }
    for (const flag of ['loop', 'realtime'] as const) {
      if (entry[flag] === undefined) continue;
      if (typeof entry[flag] !== 'boolean') throw problem(`${at}.${flag}`, 'must be true or false');
      camera[flag] = entry[flag];
    }
    if (entry['motion'] !== undefined && entry['motion'] !== false) camera.motion = checkMotion(entry['motion'], `${at}.motion`, problem);
    if (entry['credentials'] !== undefined) camera.credentials = checkCredentials(entry['credentials'], camera.source, `${at}.credentials`, problem, baseDir, env);
    return camera;
  });
}

/**
 * Validates a parsed config object. `file` names it in errors; relative paths
 * resolve against `baseDir`; a camera's `credentials.passwordEnv` is read from `env`.
 */
export function parseConfig(value: unknown, file: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const problem: Problem = (key, message) => new ConfigError(key, `Invalid config ${file}: "${key}" ${message}`);
  if (!isObject(value)) throw problem('(root)', 'must be a JSON object, e.g. { "cameras": [{ "id": "desk", "source": 0 }] }');
  for (const key of Object.keys(value)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) throw problem(key, `is not a setting (use ${TOP_KEYS.join(', ')})`);
  }
  const config: { -readonly [K in keyof ServeConfig]: ServeConfig[K] } = {};
  if (value['host'] !== undefined) config.host = checkHost(value['host'], 'host', problem);
  if (value['port'] !== undefined) config.port = checkPort(value['port'], 'port', problem);
  if (value['fps'] !== undefined) config.fps = checkSetting('fps', value['fps'], 'fps', problem);
  if (value['quality'] !== undefined) config.quality = checkSetting('quality', value['quality'], 'quality', problem);
  if (value['paused'] !== undefined) {
    if (typeof value['paused'] !== 'boolean') throw problem('paused', 'must be true or false');
    config.paused = value['paused'];
  }
  if (value['cameras'] !== undefined) config.cameras = checkCameras(value['cameras'], problem, baseDir, env);
  if (value['uiDir'] !== undefined) {
    if (typeof value['uiDir'] !== 'string' || value['uiDir'] === '') throw problem('uiDir', 'must be a directory path');
    config.uiDir = resolve(baseDir, value['uiDir']);
  }
  if (value['logLevel'] !== undefined) config.logLevel = checkLogLevel(value['logLevel'], 'logLevel', problem);
  if (value['allowedOrigins'] !== undefined) {
    const origins = value['allowedOrigins'];
    if (!Array.isArray(origins)) throw problem('allowedOrigins', 'must be a list of origins, e.g. ["http://localhost:5173"]');
    config.allowedOrigins = origins.map((origin: unknown, index) => checkOrigin(origin, `allowedOrigins[${index}]`, problem));
  }
  if (value['allowedHosts'] !== undefined) config.allowedHosts = checkList(value['allowedHosts'], 'allowedHosts', '["cams.example.org"]', problem, checkAllowedHost);
  if (value['trustedProxies'] !== undefined) {
    config.trustedProxies = checkList(value['trustedProxies'], 'trustedProxies', '["10.0.0.2", "10.1.0.0/16"]', problem, checkTrustedProxy);
  }
  if (value['auth'] !== undefined) config.auth = checkAuth(value['auth'], problem);
  if (value['insecureNoAuth'] !== undefined) {
    if (typeof value['insecureNoAuth'] !== 'boolean') throw problem('insecureNoAuth', 'must be true or false');
    config.insecureNoAuth = value['insecureNoAuth'];
  }
  if (value['limits'] !== undefined) config.limits = checkLimits(value['limits'], problem);
  if (value['dataDir'] !== undefined) {
    if (typeof value['dataDir'] !== 'string' || value['dataDir'] === '') throw problem('dataDir', 'must be a directory path');
    config.dataDir = resolve(baseDir, value['dataDir']);
  }
  if (value['events'] !== undefined) config.events = checkEvents(value['events'], problem);
  if (value['stateFile'] !== undefined) {
    if (typeof value['stateFile'] !== 'string' || value['stateFile'] === '') throw problem('stateFile', 'must be a file path');
    config.stateFile = resolve(baseDir, value['stateFile']);
  }
  if (value['isolation'] !== undefined) config.isolation = checkIsolation(value['isolation'], 'isolation', problem);
  if (value['redis'] !== undefined) config.redis = checkRedisUrl(value['redis'], 'redis', problem);
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
 * The tokens from the env (`SERVERCAM_VIEWER_TOKEN`, `SERVERCAM_OPERATOR_TOKEN`),
 * over those of `config`. An empty variable counts as unset.
 */
export function withEnvTokens(config: ServeConfig, env: NodeJS.ProcessEnv): ServeConfig {
  const problem: Problem = (key, message) => new ConfigError(key, `Invalid environment variable ${key}: ${message}`);
  const viewer = env['SERVERCAM_VIEWER_TOKEN'];
  const operator = env['SERVERCAM_OPERATOR_TOKEN'];
  if (!viewer && !operator) return config;
  const auth: AuthTokens = {
    ...config.auth,
    ...(viewer ? { viewerToken: checkToken(viewer, 'SERVERCAM_VIEWER_TOKEN', problem) } : {}),
    ...(operator ? { operatorToken: checkToken(operator, 'SERVERCAM_OPERATOR_TOKEN', problem) } : {}),
  };
  const sameProblem: Problem = (key, message) => new ConfigError(key, `Invalid tokens: ${key} ${message}`);
  checkDistinctTokens(auth, viewer ? 'SERVERCAM_VIEWER_TOKEN' : 'auth.viewerToken', operator ? 'SERVERCAM_OPERATOR_TOKEN' : 'auth.operatorToken', sameProblem);
  return { ...config, auth };
}

/** Flags override the file field by field; `--camera` flags replace the file's cameras. */
export function mergeConfig(file: ServeConfig, flags: ServeConfig): ServeConfig {
  const merged: { -readonly [K in keyof ServeConfig]: ServeConfig[K] } = { ...file };
  for (const [key, value] of Object.entries(flags) as Array<[keyof ServeConfig, never]>) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

