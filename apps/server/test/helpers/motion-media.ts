/** Media for the motion-event tests: a moving square after a still period, clip probing, a read-only directory. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './media.ts';
import { mediaTool } from '@servercam/testing';

/**
 * Static colour bars 640×360 at 25 fps, and from `moveFrom` to `moveTo` seconds a
 * 60×60 white square (bright: grayscale detection sees it over every bar; a red one vanishes over the red and magenta bars) crossing them at y = 150..210. Without `moveFrom`: still throughout.
 */
export function makeMotionVideo({ seconds, moveFrom, moveTo }: { seconds: number; moveFrom?: number; moveTo?: number }): string {
  const moving = moveFrom !== undefined && moveTo !== undefined;
  const path = join(tempDir, moving ? `motion-white-${moveFrom}-${moveTo}-${seconds}s.mp4` : `still-${seconds}s.mp4`);
  if (existsSync(path)) return path;
  const args = ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `smptebars=s=640x360:r=25:d=${seconds}`];
  if (moving) {
    args.push('-f', 'lavfi', '-i', `color=c=white:s=60x60:r=25:d=${seconds}`, '-filter_complex',
      `[0][1]overlay=x='40+(t-${moveFrom})*${Math.round(500 / (moveTo - moveFrom))}':y=150:enable='between(t,${moveFrom},${moveTo})'`);
  }
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path);
  const result = spawnSync(mediaTool('ffmpeg'), args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed to make ${path}: ${result.stderr}`);
  return path;
}

/** A media file's duration in seconds and its codec, as ffprobe reads them. */
export function probe(path: string): { seconds: number; codec: string; frames: number } {
  const out = execFileSync(mediaTool('ffprobe'), [
    '-v', 'error', '-count_frames', '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_name,nb_read_frames:format=duration', '-of', 'json', path,
  ], { encoding: 'utf8' });
  const json = JSON.parse(out) as { streams: Array<{ codec_name: string; nb_read_frames: string }>; format: { duration: string } };
  return { seconds: Number(json.format.duration), codec: json.streams[0]!.codec_name, frames: Number(json.streams[0]!.nb_read_frames) };
}

/**
 * A directory nothing can be written in: mode 0555, or for root (whom modes do
 * not stop) a read-only tmpfs mounted on it. Returns its cleanup, or undefined
 * when neither is possible here.
 */
export function makeReadOnlyDir(path: string): (() => void) | undefined {
  mkdirSync(path, { recursive: true });
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o555);
    return () => chmodSync(path, 0o755);
  }
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', path]);
  if (mounted.status !== 0) return undefined;
  return () => {
    spawnSync('umount', [path]);
  };
}
