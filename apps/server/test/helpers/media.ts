/** Real media for tests, made by ffmpeg, and JPEG checks. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaTool } from '@servercam/testing';

export const tempDir = mkdtempSync(join(tmpdir(), 'servercam-server-'));

/** An H.264 MP4 of ffmpeg's moving test pattern. */
export function makeVideo({ width, height, fps, seconds }: { width: number; height: number; fps: number; seconds: number }): string {
  const path = join(tempDir, `testsrc2-${width}x${height}-${fps}fps-${seconds}s.mp4`);
  if (existsSync(path)) return path;
  const result = spawnSync(mediaTool('ffmpeg'), [
    '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path,
  ], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed to make ${path}: ${result.stderr || result.error?.message}`);
  return path;
}

/** Width and height from a JPEG's SOF marker; throws when the bytes are not a whole JPEG. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG: no SOI marker');
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) throw new Error('not a whole JPEG: no EOI marker');
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`not a JPEG: bad marker at ${i}`);
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  throw new Error('not a JPEG: no SOF marker');
}

export function fromBase64(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}
