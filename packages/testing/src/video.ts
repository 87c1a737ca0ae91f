/**
 * Real video files made by ffmpeg, cached by name in a directory. This module
 * imports node built-ins only, so the core's own tests (which may not depend
 * on this package) build their makers from it by path with {@link videoMaker};
 * `videos.ts` holds the kit's, on the kit's ffmpeg.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface VideoMaker {
  makeVideo(options: VideoOptions): string;
  makeMotionVideo(options: MotionVideoOptions): string;
}

/** Video makers that run `ffmpeg()` and write to `dir()` unless told another directory. */
export function videoMaker(ffmpegPath: () => string, defaultDir: () => string): VideoMaker {
  const ffmpeg = (args: readonly string[], path: string): string => {
    const result = spawnSync(ffmpegPath(), ['-loglevel', 'error', '-y', ...args, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ffmpeg failed to make ${path}: ${result.stderr || result.error?.message}`);
    return path;
  };
  return {
    makeVideo({ width, height, fps, seconds, dir = defaultDir() }) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `testsrc2-${width}x${height}-${fps}fps-${seconds}s.mp4`);
      if (existsSync(path)) return path;
      return ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-t', String(seconds)], path);
    },
    makeMotionVideo({ seconds, moveFrom, moveTo, dir = defaultDir() }) {
      const moving = moveFrom !== undefined && moveTo !== undefined;
      mkdirSync(dir, { recursive: true });
      const path = join(dir, moving ? `motion-white-${moveFrom}-${moveTo}-${seconds}s.mp4` : `still-${seconds}s.mp4`);
      if (existsSync(path)) return path;
      const args = ['-f', 'lavfi', '-i', `smptebars=s=640x360:r=25:d=${seconds}`];
      if (moving) {
        args.push('-f', 'lavfi', '-i', `color=c=white:s=60x60:r=25:d=${seconds}`, '-filter_complex',
          `[0][1]overlay=x='40+(t-${moveFrom})*${Math.round(500 / (moveTo - moveFrom))}':y=150:enable='between(t,${moveFrom},${moveTo})'`);
      }
      return ffmpeg(args, path);
    },
  };
}

/** An H.264 MP4 of ffmpeg's moving test pattern (`testsrc2`). */
export interface VideoOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly seconds: number;
  /** Where to write it (default: the maker's directory). */
  readonly dir?: string | undefined;
}

/**
 * Static colour bars 640×360 at 25 fps and, from `moveFrom` to `moveTo`
 * seconds, a 60×60 white square crossing them at y = 150..210 (white: a
 * grayscale detector sees it over every bar).
 */
export interface MotionVideoOptions {
  readonly seconds: number;
  /** When the square starts to move (s); without it (or `moveTo`) the video is still throughout. */
  readonly moveFrom?: number | undefined;
  readonly moveTo?: number | undefined;
  readonly dir?: string | undefined;
}
