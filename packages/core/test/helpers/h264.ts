/**
 * H.264 checks with real tools: video chunks written to a .h264 file
 * (AVCC → Annex B, the description's SPS/PPS before each keyframe), then
 * decoded by ffmpeg and counted by ffprobe.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect } from 'vitest';
import { avccToAnnexB, parseAvcc, type ServerVideoStream, type VideoChunk } from '@servercam/core';
import { mediaTool, tempPath } from './media.ts';
import { until } from './wait.ts';

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

/** Expects `chunks`, written as a .h264 file, to decode with no error; returns the file. */
export function expectDecodes(chunks: readonly VideoChunk[]): string {
  const file = writeH264(chunks);
  expect(decodeErrors(file)).toEqual({ status: 0, errors: '' });
  return file;
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

/** The mean absolute difference of two pictures' bytes (same size and layout). */
export function meanDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / Math.max(1, a.length);
}

/** The first picture of an H.264 file, decoded by ffmpeg to packed RGB. */
export function firstPictureRgb(path: string): Uint8Array {
  return ffmpegBytes(['-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24']);
}

/**
 * Checks the colours are right (no red/blue swap): a new video consumer's
 * first picture is, pixel by pixel, close to the JPEG frame of the same seq,
 * and much closer than with red and blue swapped.
 */
export async function expectSameColours(stream: ServerVideoStream, cameraId: string): Promise<void> {
  const jpegs = new Map<number, Uint8Array>();
  const stop = stream.subscribe({ cameraId }, (frame) => void jpegs.set(frame.seq, frame.data));
  await until(() => jpegs.size > 0, 'a JPEG frame');
  const video = stream.video({ cameraId });
  const first = (await video.next()).value as VideoChunk;
  await video.return?.();
  await until(() => jpegs.has(first.seq), 'the JPEG frame of the same seq');
  stop();
  const h264 = firstPictureRgb(writeH264([first]));
  const jpeg = new Uint8Array(await sharp(jpegs.get(first.seq)!).removeAlpha().raw().toBuffer());
  const swapped = jpeg.map((_, i) => jpeg[i - (i % 3) + 2 - (i % 3)]!);
  const difference = meanDifference(h264, jpeg);
  expect(difference).toBeLessThan(12);
  expect(difference * 2).toBeLessThan(meanDifference(h264, swapped));
}

/** The first `count` chunks of an iterator (it is left open). */
export async function takeChunks(iterator: AsyncIterator<VideoChunk>, count: number): Promise<VideoChunk[]> {
  const chunks: VideoChunk[] = [];
  while (chunks.length < count) {
    const { value, done } = await iterator.next();
    if (done) break;
    chunks.push(value);
  }
  return chunks;
}
