/**
 * The sources of the video benchmark, made with ffmpeg's lavfi into files a
 * file camera plays: a camera-like scene (static colour bars, one moving
 * object, as in issue 15) and a busier H.264 file (ffmpeg's `testsrc2`: every
 * part moves). Each is nearly lossless H.264, so that its decoded frames are
 * the reference the PSNR is measured against.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireMediaTool } from '@servercam/core';

export interface Scene {
  /** `camera-like` or `h264-file`. */
  readonly name: string;
  readonly description: string;
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Frames in the file (the camera loops after them). */
  readonly frames: number;
}

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 30;

function make(path: string, inputs: string[], filter: string | undefined, seconds: number): void {
  if (existsSync(path)) return;
  const args = ['-loglevel', 'error', '-y', ...inputs, ...(filter ? ['-filter_complex', filter] : []), '-t', String(seconds)];
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '8', '-pix_fmt', 'yuv420p', '-g', String(FPS), path);
  const result = spawnSync(requireMediaTool('ffmpeg').path, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${path}: ${result.stderr.slice(-500)}`);
}

/** Makes (or reuses) both scenes in `dir`, each `seconds` long. */
export function makeScenes(dir: string, seconds: number): Scene[] {
  mkdirSync(dir, { recursive: true });
  const size = `${WIDTH}x${HEIGHT}`;
  const common = { width: WIDTH, height: HEIGHT, fps: FPS, frames: seconds * FPS };
  const cameraLike = join(dir, `camera-like-${size}-${seconds}s.mp4`);
  make(
    cameraLike,
    ['-f', 'lavfi', '-i', `smptehdbars=size=${size}:rate=${FPS}`, '-f', 'lavfi', '-i', `color=c=0xd04020:size=160x120:rate=${FPS}`],
    "[0][1]overlay=x='mod(t*240,W-w)':y='(H-h)/2+100*sin(t*2)':shortest=1",
    seconds,
  );
  const busy = join(dir, `testsrc2-${size}-${seconds}s.mp4`);
  make(busy, ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${FPS}`], undefined, seconds);
  return [
    { name: 'camera-like', description: 'static colour bars (SMPTE HD) and one moving 160×120 box', path: cameraLike, ...common },
    { name: 'h264-file', description: "an H.264 file of ffmpeg's testsrc2 (all of it moves)", path: busy, ...common },
  ];
}
