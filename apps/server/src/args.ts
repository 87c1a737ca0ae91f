/**
 * The command line of `servercam`:
 * `servercam serve [--host H] [--port N] [--camera ID=SOURCE ...] [--config FILE] [--fps N] [--quality N] [--ui-dir DIR] [--log-level L]`
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CameraConfig } from '@servercam/core';
import {
  checkAllowedHost,
  checkCameraId,
  checkHost,
  checkIsolation,
  checkLogLevel,
  checkOrigin,
  checkPort,
  checkRedisUrl,
  checkSetting,
  checkSource,
  checkTrustedProxy,
  ConfigError,
  type ServeConfig,
} from './config.ts';

export const USAGE = `Usage: servercam serve [options]
       servercam capture --redis URL [options]
       servercam gateway --redis URL [options]

Serves the cameras: GraphQL (with GraphiQL) on /graphql, MJPEG streams and
snapshots on /cameras/ID/stream.mjpeg and /cameras/ID/snapshot.jpg, the UI on /.

Scale-out (docs/deploy.md): "capture" opens the cameras and publishes their frames,
status and settings through Redis (its only route is /healthz); "gateway" serves
all of the above with no camera of its own, fed through Redis. Run one capture
node and as many gateways as needed behind a load balancer.

Options:
  --host HOST          address to listen on (default 127.0.0.1)
  --port N             port (default 4000; 0 picks a free one)
  --camera ID=SOURCE   a camera; repeat for more (default: one synthetic camera).
                       SOURCE: a device number or /dev/videoN, a video file,
                       an rtsp:// or http(s):// URL, or synthetic[:WxH[@FPS]]
  --config FILE        a JSON config file (cameras with labels, fps, quality, host, port);
                       flags override it
  --fps N              capture rate, 0 for the source's own rate (default 10)
  --quality N          JPEG quality, 1 to 100 (default 80)
  --ui-dir DIR         the web UI's build to serve at / (default: apps/web/build)
  --log-level LEVEL    fatal, error, warn, info, debug, trace or silent (default info)
  --allow-origin URL   let pages of another site use the API (e.g. a UI dev server,
                       http://localhost:5173); repeat for more
  --allow-host HOST    answer to this Host name too (besides loopback and the --host
                       address), e.g. cams.example.org or .example.org for a domain and
                       its subdomains; others get 421 (DNS rebinding); repeat for more
  --trust-proxy ADDR   a reverse proxy (address or CIDR block) whose X-Forwarded-For
                       names the client, for limits and logs; repeat for more
  --state-file FILE    keep the settings changed through the API in FILE across restarts
  --data-dir DIR       where motion events, snapshots and clips are kept
                       (default ./servercam-data; used by cameras with "motion" in the config)
  --isolation MODE     where capture runs: process (default: a supervised child process,
                       restarted after a crash) or worker (a thread of the server)
  --redis URL          capture and gateway: the Redis they meet on (redis://127.0.0.1:6379)
  --insecure-no-auth   allow listening beyond 127.0.0.1 with no tokens (trusted networks only)
  -h, --help           this help

Auth: set SERVERCAM_VIEWER_TOKEN and/or SERVERCAM_OPERATOR_TOKEN (or "auth" in the
config file). Viewers may watch; operators may also change settings. Clients send
"Authorization: Bearer TOKEN"; the UI has a sign-in page. See docs/security.md.

Example:
  pnpm servercam serve --camera desk=0 --camera demo=videos/demo.mp4 --fps 15
`;

export type Command =
  | { readonly command: 'help' }
  | { readonly command: 'serve' | 'capture' | 'gateway'; readonly configFile: string | undefined; readonly flags: ServeConfig };

const flagProblem = (key: string, message: string): ConfigError => new ConfigError(key, `Invalid option ${key}: ${message}`);

function number(text: string, key: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw flagProblem(key, `must be a number, got "${text}"`);
  return value;
}

/** `ID=SOURCE`; file paths resolve against `cwd`. */
export function parseCameraFlag(text: string, cwd: string): CameraConfig {
  const at = text.indexOf('=');
  if (at <= 0) throw flagProblem('--camera', `expects ID=SOURCE (e.g. desk=0 or demo=videos/demo.mp4), got "${text}"`);
  const id = checkCameraId(text.slice(0, at), '--camera', (key, message) => flagProblem(key, `the id ${message}`));
  const source = checkSource(text.slice(at + 1), '--camera', flagProblem, cwd);
  return { id, source };
}

/** Parses the arguments after `servercam`. Throws {@link ConfigError} (exit code 2) for a bad command line. */
export function parseCommandLine(argv: readonly string[], cwd: string = process.cwd()): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        camera: { type: 'string', multiple: true },
        config: { type: 'string' },
        fps: { type: 'string' },
        quality: { type: 'string' },
        'ui-dir': { type: 'string' },
        'log-level': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        'trust-proxy': { type: 'string', multiple: true },
        'state-file': { type: 'string' },
        'data-dir': { type: 'string' },
        isolation: { type: 'string' },
        redis: { type: 'string' },
        'insecure-no-auth': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ConfigError('(arguments)', `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command === undefined || command === 'help') return { command: 'help' };
  if (command !== 'serve' && command !== 'capture' && command !== 'gateway') throw new ConfigError('(command)', `Unknown command "${command}"\n\n${USAGE}`);
  if (rest.length > 0) throw new ConfigError('(arguments)', `Unexpected argument "${rest[0]}"\n\n${USAGE}`);

  const flags: { -readonly [K in keyof ServeConfig]: ServeConfig[K] } = {};
  if (values.host !== undefined) flags.host = checkHost(values.host, '--host', flagProblem);
  if (values.port !== undefined) flags.port = checkPort(number(values.port, '--port'), '--port', flagProblem);
  if (values.fps !== undefined) flags.fps = checkSetting('fps', number(values.fps, '--fps'), '--fps', flagProblem);
  if (values.quality !== undefined) flags.quality = checkSetting('quality', number(values.quality, '--quality'), '--quality', flagProblem);
  if (values['log-level'] !== undefined) flags.logLevel = checkLogLevel(values['log-level'], '--log-level', flagProblem);
  if (values['allow-origin'] !== undefined) {
    flags.allowedOrigins = values['allow-origin'].map((origin) => checkOrigin(origin, '--allow-origin', flagProblem));
  }
  if (values['allow-host'] !== undefined) flags.allowedHosts = values['allow-host'].map((host) => checkAllowedHost(host, '--allow-host', flagProblem));
  if (values['trust-proxy'] !== undefined) flags.trustedProxies = values['trust-proxy'].map((proxy) => checkTrustedProxy(proxy, '--trust-proxy', flagProblem));
  if (values['ui-dir'] !== undefined) flags.uiDir = resolve(cwd, values['ui-dir']);
  if (values['state-file'] !== undefined) flags.stateFile = resolve(cwd, values['state-file']);
  if (values['data-dir'] !== undefined) flags.dataDir = resolve(cwd, values['data-dir']);
  if (values.isolation !== undefined) flags.isolation = checkIsolation(values.isolation, '--isolation', flagProblem);
  if (values['insecure-no-auth']) flags.insecureNoAuth = true;
  if (values.redis !== undefined) flags.redis = checkRedisUrl(values.redis, '--redis', flagProblem);
  if (values.camera !== undefined) {
    const cameras = values.camera.map((text) => parseCameraFlag(text, cwd));
    const ids = new Set<string>();
    for (const camera of cameras) {
      if (ids.has(camera.id)) throw flagProblem('--camera', `the id "${camera.id}" is given twice`);
      ids.add(camera.id);
    }
    flags.cameras = cameras;
  }
  return { command, configFile: values.config, flags };
}
