/**
 * Bytes and picture quality of H.264 beside JPEG (issue 15), through the
 * core's API alone: one `ServerVideoStream` plays a scene file (video-scenes.ts)
 * as a camera; one JPEG consumer (`subscribe`) and one H.264 consumer
 * (`video()`) take every frame of the same captures for a window. Reported per
 * format: bytes per viewer-second (raw, and as base64 on graphql-ws), and the
 * PSNR of the received stream, decoded by ffmpeg, against the very source
 * frames it was made of.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { avccToAnnexB, parseAvcc, ServerVideoStream } from '@servercam/core';
import { sleep } from './harness.ts';
import { type Psnr, psnr } from './psnr.ts';
import type { Scene } from './video-scenes.ts';

export type VideoFormat = 'jpeg' | 'h264';

export interface QualityRow {
  readonly scene: string;
  readonly format: VideoFormat;
  /** JPEG quality, or the core's `quality` setting that the encoder's rate control follows. */
  readonly quality: number;
  readonly frames: number;
  /** Pictures a second (the camera's rate, less what the encoder skipped when busy). */
  readonly picturesPerSecond: number;
  readonly keyframes: number;
  readonly bytesPerFrame: number;
  /** What one viewer receives a second over the window: the pictures' bytes, and as base64 (graphql-ws, SSE). */
  readonly bytesPerViewerSecond: number;
  readonly base64BytesPerViewerSecond: number;
  readonly psnr: Psnr;
}

interface Received {
  /** The source frame index (0-based) of each picture, in order. */
  readonly indices: number[];
  readonly bytes: number;
  readonly keyframes: number;
  readonly file: string;
}

/**
 * Plays `scene` through the core for about `seconds` (after the camera is
 * live and the H.264 consumer has its first keyframe) and measures both formats.
 */
export async function measureQuality(scene: Scene, seconds: number, quality: number, workDir: string): Promise<QualityRow[]> {
  mkdirSync(workDir, { recursive: true });
  const stream = new ServerVideoStream({
    cameras: [{ id: 'cam', label: scene.name, source: scene.path, loop: true }],
    fps: scene.fps,
    quality,
    // OpenCV loads once per process: capture runs in a child process of its own.
    isolation: 'process',
  });
  const jpeg: Array<{ seq: number; capturedAt: number; data: Uint8Array }> = [];
  const h264: Array<{ seq: number; keyframe: boolean; description: Uint8Array | undefined; data: Uint8Array }> = [];
  const controller = new AbortController();
  await stream.start(['cam']);
  const stopJpeg = stream.subscribe({ cameraId: 'cam' }, (frame) => void jpeg.push({ seq: frame.seq, capturedAt: frame.capturedAt, data: frame.data }));
  const reading = (async () => {
    for await (const chunk of stream.video({ cameraId: 'cam', signal: controller.signal })) {
      h264.push({ seq: chunk.seq, keyframe: chunk.keyframe, description: chunk.description, data: chunk.data });
    }
  })();
  try {
    const deadline = Date.now() + 30_000;
    while (h264.length === 0 || jpeg.length === 0) {
      if (Date.now() > deadline) throw new Error(`${scene.name}: no ${h264.length === 0 ? 'H.264 chunk' : 'JPEG frame'} within 30 s`);
      await sleep(50);
    }
    await sleep(seconds * 1000);
  } finally {
    stopJpeg();
    controller.abort();
    await reading.catch(() => {});
    await stream.close();
  }

  // The window: from the first keyframe the JPEG consumer saw the capture of, to the last capture both saw.
  // (A chunk's seq is the seq of the capture it encodes; the encoder may skip captures when it is busy.)
  const jpegSeqs = new Set(jpeg.map((frame) => frame.seq));
  const start = h264.findIndex((chunk) => chunk.keyframe && jpegSeqs.has(chunk.seq));
  if (start < 0) throw new Error(`${scene.name}: no keyframe among the captures the JPEG consumer saw`);
  const lastSeq = Math.min(h264.at(-1)!.seq, jpeg.at(-1)!.seq);
  const chunks = h264.slice(start).filter((chunk) => chunk.seq <= lastSeq);
  const frames = jpeg.filter((frame) => frame.seq >= chunks[0]!.seq && frame.seq <= lastSeq);
  const windowSeconds = (frames.at(-1)!.capturedAt - frames[0]!.capturedAt) / 1000 + 1 / scene.fps;
  // Source frame of capture seq s (seq 1 is the file's first frame; the camera loops at its end).
  const index = (seq: number): number => (seq - 1) % scene.frames;

  const received: Record<VideoFormat, Received> = {
    jpeg: write(join(workDir, `${scene.name}.mjpeg`), frames.map((frame) => ({ index: index(frame.seq), bytes: frame.data, sent: frame.data.length, keyframe: false }))),
    h264: write(
      join(workDir, `${scene.name}.h264`),
      chunks.map((chunk) => ({
        index: index(chunk.seq),
        // Annex-B for ffmpeg: the parameter sets of the avcC before each keyframe, start codes for lengths.
        bytes: chunk.description ? avccToAnnexB(chunk.data, parameterSets(chunk.description)) : avccToAnnexB(chunk.data),
        sent: chunk.data.length + (chunk.description?.length ?? 0),
        keyframe: chunk.keyframe,
      })),
    ),
  };
  return (['jpeg', 'h264'] as const).map((format) => {
    const r = received[format];
    const bytesPerViewerSecond = r.bytes / windowSeconds;
    return {
      scene: scene.name,
      format,
      quality,
      frames: r.indices.length,
      picturesPerSecond: r.indices.length / windowSeconds,
      keyframes: r.keyframes,
      bytesPerFrame: r.bytes / r.indices.length,
      bytesPerViewerSecond,
      base64BytesPerViewerSecond: (bytesPerViewerSecond * 4) / 3,
      psnr: psnr(r.file, format === 'jpeg' ? 'mjpeg' : 'h264', scene.path, wrapless(r.indices)),
    };
  });
}

/** Writes the pictures to `file` and returns what was received; a picture's `sent` is what a viewer is sent for it. */
function write(file: string, pictures: Array<{ index: number; bytes: Uint8Array; sent: number; keyframe: boolean }>): Received {
  writeFileSync(file, Buffer.concat(pictures.map((picture) => picture.bytes)));
  return {
    file,
    indices: pictures.map((picture) => picture.index),
    bytes: pictures.reduce((total, picture) => total + picture.sent, 0),
    keyframes: pictures.filter((picture) => picture.keyframe).length,
  };
}

/** The indices, which must ascend: a window that ran past the file's end (the camera looped) cannot be compared by `select`. */
function wrapless(indices: readonly number[]): number[] {
  for (let i = 1; i < indices.length; i++) {
    if (indices[i]! <= indices[i - 1]!) throw new Error('the measured window ran past the end of the scene file: make the file longer');
  }
  return [...indices];
}

/** The SPS and PPS of an avcC record. */
function parameterSets(description: Uint8Array): Uint8Array[] {
  const avcc = parseAvcc(description);
  return [...avcc.sps, ...avcc.pps];
}
