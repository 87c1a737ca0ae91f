/**
 * Where the media tools (`ffmpeg`, `ffprobe`) come from, in one place for the
 * product (motion clips, encoders) and the tests. In order:
 *
 * 1. `SERVERCAM_FFMPEG` / `SERVERCAM_FFPROBE`: a path the user chose;
 * 2. the system's binary, found on `PATH`;
 * 3. the static Linux binary that `@ffmpeg-installer/ffmpeg` /
 *    `@ffprobe-installer/ffprobe` ship inside their npm packages (with libx264),
 *    optional dependencies of this package, so a machine with only Node has them.
 *
 * @example
 * ```ts
 * const ffmpeg = resolveMediaTool('ffmpeg');
 * if (ffmpeg) logger.info(describeMediaTool(ffmpeg)); // "ffmpeg: /usr/bin/ffmpeg (system)"
 * ```
 * @module
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { MediaToolUnavailable } from './errors.ts';

export type MediaTool = 'ffmpeg' | 'ffprobe';

/** Where a resolved tool came from. */
export type MediaToolSource = 'env' | 'system' | 'npm';

export interface ResolvedMediaTool {
  readonly tool: MediaTool;
  readonly path: string;
  readonly source: MediaToolSource;
}

export interface ResolveMediaToolOptions {
  /** The environment to read `SERVERCAM_FFMPEG` / `SERVERCAM_FFPROBE` and `PATH` from (default: this process's). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Whether to fall back to the npm-shipped binary (default true). */
  readonly npm?: boolean | undefined;
}

/** The env variable that names each tool's path. */
export const MEDIA_TOOL_ENV: Readonly<Record<MediaTool, string>> = { ffmpeg: 'SERVERCAM_FFMPEG', ffprobe: 'SERVERCAM_FFPROBE' };

const NPM_PACKAGE: Readonly<Record<MediaTool, string>> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(tool: MediaTool, pathVariable: string | undefined): string | undefined {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, tool);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function fromNpm(tool: MediaTool): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const { path } = require(NPM_PACKAGE[tool]) as { path?: unknown };
    return typeof path === 'string' && isExecutableFile(path) ? path : undefined;
  } catch {
    // Not installed, or no binary for this platform.
    return undefined;
  }
}

/**
 * Finds `tool`: the env variable's path, else the system's, else the npm one.
 * Undefined when there is none.
 * @throws {MediaToolUnavailable} when the env variable names something that is not an executable file
 */
export function resolveMediaTool(tool: MediaTool, options: ResolveMediaToolOptions = {}): ResolvedMediaTool | undefined {
  const env = options.env ?? process.env;
  const chosen = env[MEDIA_TOOL_ENV[tool]];
  if (chosen !== undefined && chosen !== '') {
    if (!isExecutableFile(chosen)) {
      throw new MediaToolUnavailable(`${MEDIA_TOOL_ENV[tool]}=${chosen} is not an executable file`);
    }
    return { tool, path: chosen, source: 'env' };
  }
  const system = onPath(tool, env['PATH']);
  if (system) return { tool, path: system, source: 'system' };
  const npm = options.npm === false ? undefined : fromNpm(tool);
  return npm ? { tool, path: npm, source: 'npm' } : undefined;
}

/**
 * {@link resolveMediaTool}, or a typed error that says what to install.
 * @throws {MediaToolUnavailable}
 */
export function requireMediaTool(tool: MediaTool, options: ResolveMediaToolOptions = {}): ResolvedMediaTool {
  const resolved = resolveMediaTool(tool, options);
  if (resolved) return resolved;
  throw new MediaToolUnavailable(
    `${tool} was not found: install it (Debian/Ubuntu: apt-get install ffmpeg), reinstall the workspace to get ${NPM_PACKAGE[tool]}, ` +
      `or set ${MEDIA_TOOL_ENV[tool]} to its path`,
  );
}

/** One line for a log: `ffmpeg: /usr/bin/ffmpeg (system)`. */
export function describeMediaTool(resolved: ResolvedMediaTool): string {
  const from = { env: `from ${MEDIA_TOOL_ENV[resolved.tool]}`, system: 'system', npm: `npm ${NPM_PACKAGE[resolved.tool]}` }[resolved.source];
  return `${resolved.tool}: ${resolved.path} (${from})`;
}
