/** The kit's video makers ({@link videoMaker}): the kit's ffmpeg, one temporary directory per process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaTool } from './media.ts';
import { videoMaker } from './video.ts';

let shared: string | undefined;

/** This process's directory for made media (created on first use). */
export function mediaDir(): string {
  shared ??= mkdtempSync(join(tmpdir(), 'servercam-test-media-'));
  return shared;
}

export const { makeVideo, makeMotionVideo } = videoMaker(() => mediaTool('ffmpeg'), mediaDir);
