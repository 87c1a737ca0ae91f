/**
 * Real video files made by ffmpeg, cached by name in one temporary directory
 * per process (or the given one).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaTool } from './media.ts';

let shared: string | undefined;

/** This process's directory for made media (created on first use). */
export function mediaDir(): string {
  shared ??= mkdtempSync(join(tmpdir(), 'servercam-test-media-'));
  return shared;
}

function ffmpeg(args: readonly string[], path: string): string {
  const result = spawnSync(mediaTool('ffmpeg'), ['-loglevel', 'error', '-y', ...args, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed to make ${path}: ${result.stderr || result.error?.message}`);
  return path;
}

export interface VideoOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly seconds: number;
  /** Where to write it (default: {@link mediaDir}). */
  readonly dir?: string | undefined;
}

/** An H.264 MP4 of ffmpeg's moving test pattern (`testsrc2`). */
export function makeVideo({ width, height, fps, seconds, dir = mediaDir() }: VideoOptions): string {
  const path = join(dir, `testsrc2-${width}x${height}-${fps}fps-${seconds}s.mp4`);
  if (existsSync(path)) return path;
  return ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-t', String(seconds)], path);
}

export interface MotionVideoOptions {
  readonly seconds: number;
  /** When the square starts to move (s); without it (or `moveTo`) the video is still throughout. */
  readonly moveFrom?: number | undefined;
  readonly moveTo?: number | undefined;
  readonly dir?: string | undefined;
}

/**
 * Static colour bars 640×360 at 25 fps and, from `moveFrom` to `moveTo`
 * seconds, a 60×60 white square crossing them at y = 150..210 (white: a
 * grayscale detector sees it over every bar).
 */
export function makeMotionVideo({ seconds, moveFrom, moveTo, dir = mediaDir() }: MotionVideoOptions): string {
  const moving = moveFrom !== undefined && moveTo !== undefined;
  const path = join(dir, moving ? `motion-white-${moveFrom}-${moveTo}-${seconds}s.mp4` : `still-${seconds}s.mp4`);
  if (existsSync(path)) return path;
  const args = ['-f', 'lavfi', '-i', `smptebars=s=640x360:r=25:d=${seconds}`];
  if (moving) {
    args.push('-f', 'lavfi', '-i', `color=c=white:s=60x60:r=25:d=${seconds}`, '-filter_complex',
      `[0][1]overlay=x='40+(t-${moveFrom})*${Math.round(500 / (moveTo - moveFrom))}':y=150:enable='between(t,${moveFrom},${moveTo})'`);
  }
  return ffmpeg(args, path);
}
