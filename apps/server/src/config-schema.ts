/**
 * The one declaration of servercam's settings. Each key of {@link CONFIG}
 * gives, in one place: its check (the config file's, and the flag's through
 * the same function, so errors name the key either way), its flag (the
 * `parseArgs` option and its `--help` line), its default, and its line in the
 * README's key table. {@link ServeConfig} is derived from it; config.ts,
 * args.ts and config-docs.ts only loop over it.
 *
 * A plain table rather than a valibot schema: every check needs a context
 * (relative paths resolve against the config file, passwords come from the
 * environment or a file), every message is fixed by tests and docs, and a flag
 * checks its items under the flag's own name. The table keeps each of those a
 * line; valibot still checks the Redis messages (bus/redis-schemas.ts).
 * @module
 */
import { type CameraConfig, DEFAULT_FPS, DEFAULT_QUALITY } from '@servercam/core';
import {
  checkAllowedHost,
  checkAuth,
  checkBoolean,
  checkCameraFlags,
  checkCameras,
  checkHost,
  checkIsolation,
  checkLimits,
  checkList,
  checkLogLevel,
  checkOrigin,
  checkPath,
  checkPort,
  checkRedisUrl,
  checkSetting,
  checkToken,
  checkTrustedProxy,
} from './config-checks.ts';
import type { Problem } from './config-error.ts';
import { checkEvents, DEFAULT_DATA_DIR } from './events/config.ts';
import { DEFAULT_LOG_LEVEL } from './logger.ts';

/** What a check knows besides the value: how to word an error, where relative paths start, the environment. */
export interface Context {
  readonly problem: Problem;
  /** The config file's directory, or the working directory for a flag. */
  readonly baseDir: string;
  readonly env: NodeJS.ProcessEnv;
}

export type Role = 'serve' | 'capture' | 'gateway';

/** A key's command-line flag. Without `value` it is a boolean flag. */
export interface FlagSpec<T> {
  /** Without the dashes: `allow-origin`. */
  readonly name: string;
  readonly short?: string;
  /** The value's placeholder in `--help`: `HOST`, `N`. */
  readonly value?: string;
  readonly multiple?: true;
  /** The text is a number: checked as one before the key's check. */
  readonly numeric?: true;
  readonly help: string;
  /** The flag's texts to the key's value, when not the key's own check of one text. */
  readonly parse?: (texts: readonly string[], flag: string, context: Context) => T;
}

export interface KeySpec<T> {
  /** What the key is, for `--help`'s flag line when it has no `help` of its own, and for the README. */
  readonly doc: string;
  readonly check: (value: unknown, key: string, context: Context) => T;
  readonly flag?: FlagSpec<T>;
  /** Why there is no flag (a key must have a flag or say why not). */
  readonly fileOnly?: string;
  /** The value used when the key is not given (`capture` for the capture node's own), or a description of it. */
  readonly default?: { readonly value: T; readonly capture?: T } | { readonly text: string };
}

const key = <T>(spec: KeySpec<T>): KeySpec<T> => spec;

/** A flag repeated for a list: each text checked on its own, named by the flag. */
const each =
  (check: (value: unknown, key: string, problem: Problem) => string) =>
  (texts: readonly string[], flag: string, { problem }: Context): string[] =>
    texts.map((text) => check(text, flag, problem));

/** The settings, in the order of the config file's key list and of `--help`. */
export const CONFIG = {
  host: key({
    doc: 'address to listen on',
    check: (value, k, { problem }) => checkHost(value, k, problem),
    flag: { name: 'host', value: 'HOST', help: 'address to listen on' },
    default: { value: '127.0.0.1' },
  }),
  port: key({
    doc: 'port to listen on; 0 picks a free one',
    check: (value, k, { problem }) => checkPort(value, k, problem),
    flag: { name: 'port', value: 'N', numeric: true, help: 'port; 0 picks a free one' },
    default: { value: 4000, capture: 4001 },
  }),
  fps: key({
    doc: "capture rate, 0 for the source's own rate",
    check: (value, k, { problem }) => checkSetting('fps', value, k, problem),
    flag: { name: 'fps', value: 'N', numeric: true, help: "capture rate, 0 for the source's own rate" },
    default: { value: DEFAULT_FPS },
  }),
  quality: key({
    doc: 'JPEG quality, 1 to 100',
    check: (value, k, { problem }) => checkSetting('quality', value, k, problem),
    flag: { name: 'quality', value: 'N', numeric: true, help: 'JPEG quality, 1 to 100' },
    default: { value: DEFAULT_QUALITY },
  }),
  paused: key({
    doc: 'start with capture paused',
    check: (value, k, { problem }) => checkBoolean(value, k, problem),
    fileOnly: 'a start state; the API pauses and resumes',
    default: { value: false },
  }),
  cameras: key<CameraConfig[]>({
    doc: 'the cameras: `id`, `source`, and optionally `label`, `loop`, `realtime`, `motion`, `credentials`',
    check: (value, _k, { problem, baseDir, env }) => checkCameras(value, problem, baseDir, env),
    flag: {
      name: 'camera',
      value: 'ID=SOURCE',
      multiple: true,
      help: 'a camera; repeat for more. SOURCE: a device number or /dev/videoN, a video file, an rtsp:// or http(s):// URL, or synthetic[:WxH[@FPS]]. Labels, motion and credentials: in the config file',
      parse: (texts, flag, { problem, baseDir }) => checkCameraFlags(texts, flag, problem, baseDir),
    },
    default: { text: 'one synthetic camera' },
  }),
  uiDir: key({
    doc: "the web UI's build to serve at /",
    check: (value, k, { problem, baseDir }) => checkPath('directory', value, k, problem, baseDir),
    flag: { name: 'ui-dir', value: 'DIR', help: "the web UI's build to serve at /" },
    default: { text: 'apps/web/build' },
  }),
  logLevel: key({
    doc: 'fatal, error, warn, info, debug, trace or silent',
    check: (value, k, { problem }) => checkLogLevel(value, k, problem),
    flag: { name: 'log-level', value: 'LEVEL', help: 'fatal, error, warn, info, debug, trace or silent' },
    default: { value: DEFAULT_LOG_LEVEL },
  }),
  allowedOrigins: key({
    doc: 'other sites whose pages may use the API (e.g. a UI dev server, `http://localhost:5173`)',
    check: (value, k, { problem }) => checkList(value, k, 'a list of origins, e.g. ["http://localhost:5173"]', problem, checkOrigin),
    flag: {
      name: 'allow-origin',
      value: 'URL',
      multiple: true,
      help: 'let pages of another site use the API (e.g. a UI dev server, http://localhost:5173); repeat for more',
      parse: each(checkOrigin),
    },
  }),
  allowedHosts: key({
    doc: 'Host names served besides loopback and the bound address (DNS rebinding): `cams.example.org`, `.example.org` for a domain and its subdomains',
    check: (value, k, { problem }) => checkList(value, k, 'a list, e.g. ["cams.example.org"]', problem, checkAllowedHost),
    flag: {
      name: 'allow-host',
      value: 'HOST',
      multiple: true,
      help: 'answer to this Host name too (besides loopback and the --host address), e.g. cams.example.org or .example.org for a domain and its subdomains; others get 421 (DNS rebinding); repeat for more',
      parse: each(checkAllowedHost),
    },
  }),
  trustedProxies: key({
    doc: 'reverse proxies (addresses, CIDR blocks) whose X-Forwarded-For names the client, for limits and logs',
    check: (value, k, { problem }) => checkList(value, k, 'a list, e.g. ["10.0.0.2", "10.1.0.0/16"]', problem, checkTrustedProxy),
    flag: {
      name: 'trust-proxy',
      value: 'ADDR',
      multiple: true,
      help: 'a reverse proxy (address or CIDR block) whose X-Forwarded-For names the client, for limits and logs; repeat for more',
      parse: each(checkTrustedProxy),
    },
  }),
  auth: key({
    doc: 'the tokens of the roles, each on every camera: `viewerToken` (view, events), `operatorToken` (+ control), `adminToken` (every capability: makes access tokens and share links); `SERVERCAM_VIEWER_TOKEN` / `SERVERCAM_OPERATOR_TOKEN` / `SERVERCAM_ADMIN_TOKEN` override them',
    check: (value, _k, { problem }) => checkAuth(value, problem),
    fileOnly: 'tokens stay off the command line (process lists); use SERVERCAM_VIEWER_TOKEN, SERVERCAM_OPERATOR_TOKEN and SERVERCAM_ADMIN_TOKEN',
    default: { text: 'none: loopback only' },
  }),
  insecureNoAuth: key({
    doc: 'allow listening beyond loopback with no tokens (trusted networks only)',
    check: (value, k, { problem }) => checkBoolean(value, k, problem),
    flag: { name: 'insecure-no-auth', help: 'allow listening beyond 127.0.0.1 with no tokens (trusted networks only)' },
    default: { value: false },
  }),
  limits: key({
    doc: 'abuse limits (security/limits.ts, docs/security.md), e.g. `maxDepth`, `maxVariantsPerCamera`, `maxVideoVariantsPerCamera`, `videoGopBytes`, `failedAuthPerMinute`, `authTimeoutMs`',
    check: (value, _k, { problem }) => checkLimits(value, problem),
    fileOnly: 'a dozen numbers, best kept together in a file',
    default: { text: 'docs/security.md' },
  }),
  stateFile: key({
    doc: 'where the settings changed through the API are kept across restarts (`serve`: default `DATADIR/state.json`)',
    check: (value, k, { problem, baseDir }) => checkPath('file', value, k, problem, baseDir),
    flag: { name: 'state-file', value: 'FILE', help: 'keep the settings changed through the API in FILE across restarts' },
  }),
  isolation: key<'worker' | 'process'>({
    doc: 'where capture runs: `process` (a supervised child process, restarted after a crash) or `worker` (a thread of the server)',
    check: (value, k, { problem }) => checkIsolation(value, k, problem),
    flag: {
      name: 'isolation',
      value: 'MODE',
      help: 'where capture runs: process (a supervised child process, restarted after a crash) or worker (a thread of the server)',
    },
    default: { value: 'process' },
  }),
  videoStandby: key({
    doc: 'keep one H.264 encoder started ahead on the active camera, so its first video viewer does not wait for ffmpeg to start (an idle process, about 9 MB); `false` saves it where no one watches H.264 (`serve`, `capture`)',
    check: (value, k, { problem }) => checkBoolean(value, k, problem),
    fileOnly: 'a tuning of the capture side, rarely changed',
    default: { value: true },
  }),
  dataDir: key({
    doc: 'the data directory: the database (`servercam.db`: access tokens, share links; `events.db`: motion events), clips, and by default the state file',
    check: (value, k, { problem, baseDir }) => checkPath('directory', value, k, problem, baseDir),
    flag: { name: 'data-dir', value: 'DIR', help: 'the data directory: access tokens, share links, motion events and clips, and the settings (state.json) unless --state-file' },
    default: { text: `./${DEFAULT_DATA_DIR}` },
  }),
  events: key({
    doc: 'retention and recording of motion events: `maxAgeDays`, `maxSizeMB`, `preRollSeconds`, `clipMaxWidth`, `clipFormat`',
    check: (value, _k, { problem }) => checkEvents(value, problem),
    fileOnly: 'a group of settings, with motion in the cameras of the file',
  }),
  auditRetentionDays: key({
    doc: 'days the audit trail (audit/log.ts, docs/security.md) keeps its rows; 0 keeps them up to its cap of a million rows',
    check: (value, k, { problem }) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 36_500) throw problem(k, `must be a whole number of days from 0 to 36500, got ${JSON.stringify(value)}`);
      return value;
    },
    flag: { name: 'audit-days', value: 'N', numeric: true, help: 'days the audit trail keeps its rows (0: up to its row cap)' },
    default: { value: 90 },
  }),
  metricsToken: key({
    doc: '`GET /metrics`: the Bearer token a scraper sends; without one, /metrics answers loopback callers only. `SERVERCAM_METRICS_TOKEN` overrides it',
    check: (value, k, { problem }) => checkToken(value, k, problem),
    fileOnly: 'a token stays off the command line (process lists); use SERVERCAM_METRICS_TOKEN',
    default: { text: 'none: loopback only' },
  }),
  redis: key({
    doc: '`capture` and `gateway`: the Redis they meet on (`redis://127.0.0.1:6379`, `rediss://` for TLS)',
    check: (value, k, { problem }) => checkRedisUrl(value, k, problem),
    flag: { name: 'redis', value: 'URL', help: 'capture and gateway: the Redis they meet on (redis://127.0.0.1:6379)' },
  }),
} as const;

export type ConfigKey = keyof typeof CONFIG;
type ValueOf<S> = S extends KeySpec<infer T> ? T : never;

/** The settings of `servercam serve`, `capture` and `gateway`, every key optional. */
export type ServeConfig = { readonly [K in ConfigKey]?: ValueOf<(typeof CONFIG)[K]> | undefined };

/** The config file's keys, in order. */
export const CONFIG_KEYS = Object.keys(CONFIG) as ConfigKey[];

/** Flags that are not settings. */
export const META_FLAGS = {
  config: { name: 'config', value: 'FILE', help: 'a JSON config file with any of the keys above (README); flags override it' },
  help: { name: 'help', short: 'h', help: 'this help' },
} as const satisfies Record<string, { name: string; short?: string; value?: string; help: string }>;

/**
 * The default of `name` for `role`, when the schema has a value for it
 * (`undefined` when its default is described, not a value: e.g. `cameras`).
 */
export function configDefault<K extends ConfigKey>(name: K, role: Role = 'serve'): ValueOf<(typeof CONFIG)[K]> | undefined {
  const spec: KeySpec<unknown> = CONFIG[name];
  const fallback = spec.default;
  if (fallback === undefined || !('value' in fallback)) return undefined;
  return (role === 'capture' && fallback.capture !== undefined ? fallback.capture : fallback.value) as ValueOf<(typeof CONFIG)[K]>;
}
