/**
 * H.264 checks with real tools: video chunks written to a .h264 file
 * (AVCC → Annex B, the description's SPS/PPS before each keyframe), then
 * decoded by ffmpeg and counted by ffprobe.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { avccToAnnexB, parseAvcc, type VideoChunk } from '@servercam/core';
import { mediaTool, tempPath } from './media.ts';

let files = 0;

/** Writes chunks as an Annex-B .h264 file; returns its path. */
export function writeH264(chunks: readonly VideoChunk[], name = `chunks-${++files}.h264`): string {
  const parts: Uint8Array[] = [];
  for (const chunk of chunks) {
    const sets = chunk.keyframe && chunk.description ? (({ sps, pps }) => [...sps, ...pps])(parseAvcc(chunk.description)) : [];
    parts.push(avccToAnnexB(chunk.data, sets));
  }
  const path = tempPath(name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** ffmpeg's decode of a file: its error output (empty when it decodes cleanly) and exit status. */
export function decodeErrors(path: string): { status: number | null; errors: string } {
  const result = spawnSync(mediaTool('ffmpeg'), ['-v', 'error', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  return { status: result.status, errors: result.stderr.trim() };
}

export interface ProbedStream {
  nb_read_frames: string;
  profile: string;
  level: number;
  width: number;
  height: number;
  codec_name: string;
}

/** ffprobe's view of the first video stream, frames counted by decoding. */
export function probe(path: string): ProbedStream {
  const result = spawnSync(mediaTool('ffprobe'), [
    '-v', 'error', '-count_frames', '-select_streams', 'v:0',
    '-show_entries', 'stream=nb_read_frames,profile,level,width,height,codec_name', '-of', 'json', path,
  ], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffprobe failed on ${path}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { streams: ProbedStream[] }).streams[0]!;
}

/** Runs ffmpeg and returns its stdout bytes (for parser tests on real encoder output). */
export function ffmpegBytes(args: readonly string[]): Uint8Array {
  const result = spawnSync(mediaTool('ffmpeg'), ['-v', 'error', ...args, 'pipe:1'], { maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr.toString()}`);
  return new Uint8Array(result.stdout);
}

/** A real H.264 elementary stream: testsrc2, no B-frames, a keyframe every `gop` frames. */
export function h264Stream(width: number, height: number, frames: number, gop: number, extra: readonly string[] = []): Uint8Array {
  return ffmpegBytes([
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=25`, '-frames:v', String(frames),
    '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '0', '-g', String(gop), '-pix_fmt', 'yuv420p', ...extra, '-f', 'h264',
  ]);
}
