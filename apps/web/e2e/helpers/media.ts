/**
 * Test media made on the spot with ffmpeg.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaTool } from '@servercam/testing';

export interface TempDir extends Disposable {
  readonly path: string;
}

export function tempDir(prefix = 'servercam-web-e2e-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** A 5 s H.264 test pattern of 640×360 at 25 fps. */
export function makeVideo(path: string): string {
  execFileSync(mediaTool('ffmpeg'), ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '5', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return path;
}
