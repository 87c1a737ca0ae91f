/** Media for the motion-event tests: the moving-square video (from @servercam/testing), clip probing, a read-only directory. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { mediaTool } from '@servercam/testing';

export { makeMotionVideo } from '@servercam/testing';

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
