/**
 * The checks of the config's values, one per kind of value. Each takes the
 * key to name and a {@link Problem} that words the error for where the value
 * came from (the file, a flag, the environment); config-schema.ts says which
 * key uses which.
 * @module
 */
import { resolve } from 'node:path';
import { applySettings, CAMERA_ID_PATTERN, type CameraConfig, DEFAULT_FPS, DEFAULT_QUALITY, InvalidSettings, parseSource } from '@servercam/core';
import { checkCredentials } from './config-credentials.ts';
import type { Problem } from './config-error.ts';
import { checkMotion } from './events/config.ts';
import { LOG_LEVELS } from './logger.ts';
import { type AuthTokens, DEFAULT_LIMITS, LIMIT_KEYS, LIMIT_MAX, LIMIT_MIN, type Limits, parseAllowedHost, parseProxyEntry, tokenProblem } from './security/index.ts';
import type { LevelWithSilent } from 'pino';

export const CAMERA_KEYS = ['id', 'label', 'source', 'loop', 'realtime', 'motion', 'credentials'] as const;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkBoolean(value: unknown, key: string, problem: Problem): boolean {
  if (typeof value !== 'boolean') throw problem(key, 'must be true or false');
  return value;
}

/** A directory or file path, made absolute against `baseDir` (the config file's directory, or the working directory for a flag). */
export function checkPath(what: 'directory' | 'file', value: unknown, key: string, problem: Problem, baseDir: string): string {
  if (typeof value !== 'string' || value === '') throw problem(key, `must be a ${what} path`);
  return resolve(baseDir, value);
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
export function checkList(value: unknown, key: string, what: string, problem: Problem, check: (item: unknown, key: string, problem: Problem) => string): string[] {
  if (!Array.isArray(value)) throw problem(key, `must be ${what}`);
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

/** Refuses one token for two roles, naming where each came from (`adminKey`: where the admin token came from). */
export function checkDistinctTokens(auth: AuthTokens, viewerKey: string, operatorKey: string, problem: Problem, adminKey = 'auth.adminToken'): void {
  if (auth.viewerToken && auth.viewerToken === auth.operatorToken) {
    throw problem(viewerKey, `must not be the same as ${operatorKey}: with one token for both roles every viewer is an operator`);
  }
  for (const [token, key] of [[auth.viewerToken, viewerKey], [auth.operatorToken, operatorKey]] as const) {
    if (token && token === auth.adminToken) throw problem(key, `must not be the same as ${adminKey}: with one token for both roles everyone is an admin`);
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

export function checkLimits(value: unknown, problem: Problem): Partial<Limits> {
  if (!isObject(value)) throw problem('limits', `must be an object, e.g. { "maxDepth": ${DEFAULT_LIMITS.maxDepth} }`);
  const limits: Partial<Record<keyof Limits, number>> = {};
  for (const [key, limit] of Object.entries(value)) {
    if (!(LIMIT_KEYS as string[]).includes(key)) throw problem(`limits.${key}`, `is not a limit (use ${LIMIT_KEYS.join(', ')})`);
    const min = LIMIT_MIN[key as keyof Limits] ?? 1;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < min) throw problem(`limits.${key}`, `must be a whole number of at least ${min}, got ${JSON.stringify(limit)}`);
    const max = LIMIT_MAX[key as keyof Limits];
    if (max !== undefined && limit > max) throw problem(`limits.${key}`, `must be at most ${max}, got ${limit}`);
    limits[key as keyof Limits] = limit;
  }
  return limits;
}

export function checkAuth(value: unknown, problem: Problem): AuthTokens {
  if (!isObject(value)) throw problem('auth', 'must be an object, e.g. { "viewerToken": "...", "operatorToken": "...", "adminToken": "..." }');
  const auth: { viewerToken?: string; operatorToken?: string; adminToken?: string } = {};
  for (const key of Object.keys(value)) {
    if (key !== 'viewerToken' && key !== 'operatorToken' && key !== 'adminToken') throw problem(`auth.${key}`, 'is not an auth setting (use viewerToken, operatorToken, adminToken)');
    auth[key] = checkToken(value[key], `auth.${key}`, problem);
  }
  checkDistinctTokens(auth, 'auth.viewerToken', 'auth.operatorToken', problem);
  return auth;
}

export function checkCameraId(value: unknown, key: string, problem: Problem): string {
  if (typeof value !== 'string' || !CAMERA_ID_PATTERN.test(value)) {
    throw problem(key, `must be 1 to 64 letters, digits, "-" or "_", got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkCameras(value: unknown, problem: Problem, baseDir: string, env: NodeJS.ProcessEnv): CameraConfig[] {
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

/** A number given as text (a flag's value). */
export function checkNumberText(text: string, key: string, problem: Problem): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw problem(key, `must be a number, got "${text}"`);
  return value;
}

/** One `--camera ID=SOURCE`; file paths resolve against `cwd`. */
export function checkCameraFlag(text: string, key: string, problem: Problem, cwd: string): CameraConfig {
  const at = text.indexOf('=');
  if (at <= 0) throw problem(key, `expects ID=SOURCE (e.g. desk=0 or demo=videos/demo.mp4), got "${text}"`);
  const id = checkCameraId(text.slice(0, at), key, (k, message) => problem(k, `the id ${message}`));
  const source = checkSource(text.slice(at + 1), key, problem, cwd);
  return { id, source };
}

/** Every `--camera` flag, each id once. */
export function checkCameraFlags(texts: readonly string[], key: string, problem: Problem, cwd: string): CameraConfig[] {
  const cameras = texts.map((text) => checkCameraFlag(text, key, problem, cwd));
  const ids = new Set<string>();
  for (const camera of cameras) {
    if (ids.has(camera.id)) throw problem(key, `the id "${camera.id}" is given twice`);
    ids.add(camera.id);
  }
  return cameras;
}
