/**
 * Clip files from JPEG frames: H.264 MP4 through an ffmpeg child process fed
 * the JPEGs on stdin, or MJPEG-in-AVI (avi.ts) where ffmpeg is missing.
 * Writers never throw at the caller while frames flow: a failure (ffmpeg
 * exits, the disk is full or read-only) is kept and reported by `finish()`.
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import process from 'node:process';
import { MEDIA_TOOL_ENV, type ResolvedMediaTool, resolveMediaTool } from '@servercam/core';
import { AviWriter } from './avi.ts';

export type ClipFormat = 'mp4' | 'avi';

export interface ClipInfo {
  readonly bytes: number;
  /** frames / fps */
  readonly seconds: number;
  readonly frames: number;
}

export interface ClipWriter {
  readonly format: ClipFormat;
  readonly mimeType: string;
  /** Appends a frame; never throws, never queues more than a few frames (a slow writer drops). */
  write(jpeg: Uint8Array): void;
  /** Completes the file. Rejects with the first failure. */
  finish(): Promise<ClipInfo>;
  /** Stops at once and leaves whatever was written. */
  abort(): Promise<void>;
}

export interface ClipWriterOptions {
  readonly path: string;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  /** Path of the ffmpeg binary (default: the core's resolver: SERVERCAM_FFMPEG, the system's, npm's). */
  readonly ffmpeg?: string | undefined;
}

export const MIME_TYPES: Record<ClipFormat, string> = { mp4: 'video/mp4', avi: 'video/x-msvideo' };

const ffmpegChecks = new Map<string, boolean>();

/** Whether `ffmpeg` runs here (checked once per binary and process). */
/**
 * The ffmpeg for clips, from the core's resolver (SERVERCAM_FFMPEG, the system's, npm's). A
 * SERVERCAM_FFMPEG that is not an executable file is reported to `onBadEnv` and passed over.
 */
export function resolveClipFfmpeg(onBadEnv?: (error: Error) => void): ResolvedMediaTool | undefined {
  try {
    return resolveMediaTool('ffmpeg');
  } catch (error) {
    onBadEnv?.(error as Error);
    return resolveMediaTool('ffmpeg', { env: { ...process.env, [MEDIA_TOOL_ENV.ffmpeg]: undefined } });
  }
}

/** {@link resolveClipFfmpeg}'s path, or the bare name (then spawning it fails, and says so). */
function defaultFfmpeg(): string {
  return resolveClipFfmpeg()?.path ?? 'ffmpeg';
}

export function hasFfmpeg(binary = defaultFfmpeg()): boolean {
  let found = ffmpegChecks.get(binary);
  if (found === undefined) {
    const result = spawnSync(binary, ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 5000 });
    found = result.status === 0;
    ffmpegChecks.set(binary, found);
  }
  return found;
}

/** The format for `auto`: MP4 when ffmpeg runs, AVI otherwise. */
export function pickFormat(format: ClipFormat | 'auto', ffmpeg?: string): ClipFormat {
  if (format !== 'auto') return format;
  return hasFfmpeg(ffmpeg) ? 'mp4' : 'avi';
}

export function createClipWriter(format: ClipFormat, options: ClipWriterOptions): ClipWriter {
  return format === 'mp4' ? new FfmpegClipWriter(options) : new AviClipWriter(options);
}

const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** H.264 MP4, `+faststart` so a browser can play it before it has it all. */
class FfmpegClipWriter implements ClipWriter {
  readonly format = 'mp4' as const;
  readonly mimeType = MIME_TYPES.mp4;
  readonly #options: ClipWriterOptions;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #stderr = '';
  #failure: Error | undefined;
  #frames = 0;

  constructor(options: ClipWriterOptions) {
    this.#options = options;
    const fps = String(options.fps > 0 ? options.fps : 10);
    this.#child = spawn(options.ffmpeg ?? defaultFfmpeg(), [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
      '-f', 'mjpeg', '-framerate', fps, '-i', 'pipe:0',
      '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-r', fps,
      '-movflags', '+faststart', '-f', 'mp4', options.path,
    ], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stderr!.on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-2000);
    });
    this.#child.stdin!.on('error', (error) => this.#fail(error));
    this.#exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        this.#fail(error);
        resolve(null);
      });
      this.#child.once('exit', (code) => resolve(code));
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
  }

  write(jpeg: Uint8Array): void {
    const stdin = this.#child.stdin!;
    if (this.#failure || !stdin.writable || this.#child.exitCode !== null) return;
    if (stdin.writableLength > MAX_QUEUED_BYTES) return; // ffmpeg is behind: drop this frame
    stdin.write(jpeg);
    this.#frames++;
  }

  async finish(): Promise<ClipInfo> {
    this.#child.stdin!.end();
    const code = await this.#exited;
    if (code !== 0 || this.#frames === 0) {
      const why = this.#stderr.trim().split('\n').slice(-2).join(' ').trim();
      throw new Error(
        this.#frames === 0 ? 'No frame was recorded' : `ffmpeg failed (exit ${code}): ${why || this.#failure?.message || 'no message'}`,
        { cause: this.#failure },
      );
    }
    const { size } = await stat(this.#options.path);
    return { bytes: size, frames: this.#frames, seconds: this.#frames / (this.#options.fps > 0 ? this.#options.fps : 10) };
  }

  async abort(): Promise<void> {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }
}

/** MJPEG-in-AVI, written by this process. */
class AviClipWriter implements ClipWriter {
  readonly format = 'avi' as const;
  readonly mimeType = MIME_TYPES.avi;
  readonly #options: ClipWriterOptions;
  readonly #writer: Promise<AviWriter>;
  #chain: Promise<void>;
  #pending = 0;
  #failure: Error | undefined;

  constructor(options: ClipWriterOptions) {
    this.#options = options;
    this.#writer = AviWriter.create(options.path, options);
    this.#chain = this.#writer.then(
      () => {},
      (error: Error) => {
        this.#failure ??= error;
      },
    );
  }

  write(jpeg: Uint8Array): void {
    if (this.#failure || this.#pending > 30) return;
    this.#pending++;
    this.#chain = this.#chain.then(async () => {
      this.#pending--;
      if (this.#failure) return;
      try {
        await (await this.#writer).write(jpeg);
      } catch (error) {
        this.#failure ??= error as Error;
      }
    });
  }

  async finish(): Promise<ClipInfo> {
    await this.#chain;
    if (this.#failure) {
      await this.abort();
      throw this.#failure;
    }
    const writer = await this.#writer;
    if (writer.frames === 0) {
      await writer.abort();
      throw new Error('No frame was recorded');
    }
    const bytes = await writer.finish();
    const fps = this.#options.fps > 0 ? this.#options.fps : 10;
    return { bytes, frames: writer.frames, seconds: writer.frames / fps };
  }

  async abort(): Promise<void> {
    await this.#chain;
    await this.#writer.then((writer) => writer.abort(), () => {});
  }
}
