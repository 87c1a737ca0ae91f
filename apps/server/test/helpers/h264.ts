/**
 * H.264 for tests: files encoded by ffmpeg (libx264 as the core runs it: no
 * B-frames, a keyframe every `gop` frames) read back as chunks by mediabunny's
 * demuxer, and what ffprobe makes of an H.264 or MP4 file.
 */
import { spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_FORMATS, EncodedPacketSink, FilePathSource, Input } from 'mediabunny';
import { mediaTool } from '@servercam/testing';
import type { VideoChunk } from '@servercam/core';
import { tempDir } from './media.ts';

/** An H.264 MP4 of `testsrc2`, `seconds` long, with a keyframe every `gop` frames. */
export function makeH264(width: number, height: number, seconds: number, gop = 30): string {
  const path = join(tempDir, `h264-${width}x${height}-${seconds}s-g${gop}.mp4`);
  if (existsSync(path)) return path;
  const args = ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=30`, '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0', '-g', String(gop), '-pix_fmt', 'yuv420p', path];
  const result = spawnSync(mediaTool('ffmpeg'), args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
  return path;
}

/** The access units of an MP4 as the core's chunks (AVCC, `avcC` on keyframes), captured 1/30 s apart from `startAt`. */
export async function chunksOf(path: string, cameraId = 'cam', startAt = 1_700_000_000_000): Promise<VideoChunk[]> {
  const input = new Input({ source: new FilePathSource(path), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    const config = await track?.getDecoderConfig();
    if (!track || !config?.description) throw new Error(`${path}: no H.264 track with a decoder configuration`);
    const description = ArrayBuffer.isView(config.description)
      ? new Uint8Array(config.description.buffer, config.description.byteOffset, config.description.byteLength)
      : new Uint8Array(config.description);
    const chunks: VideoChunk[] = [];
    for await (const packet of new EncodedPacketSink(track).packets()) {
      const keyframe = packet.type === 'key';
      chunks.push({
        cameraId,
        seq: chunks.length,
        capturedAt: startAt + Math.round((chunks.length * 1000) / 30),
        keyframe,
        codec: config.codec,
        description: keyframe ? description : undefined,
        width: track.codedWidth,
        height: track.codedHeight,
        data: packet.data,
        variant: 'full',
      });
    }
    return chunks;
  } finally {
    input.dispose();
  }
}

export interface Probe {
  readonly codec: string | undefined;
  readonly frames: number;
  readonly width: number | undefined;
  /** ffprobe's and the decoder's complaints (empty when it decoded cleanly). */
  readonly errors: string;
}

/** Decodes every frame of `path` with ffprobe (`-count_frames`): its codec, frame count and errors. */
export function probe(path: string, format?: string): Probe {
  const args = ['-v', 'error', ...(format ? ['-f', format] : []), '-count_frames', '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_name,nb_read_frames,width', '-of', 'json', path];
  const result = spawnSync(mediaTool('ffprobe'), args, { encoding: 'utf8' });
  const stream = (JSON.parse(result.stdout || '{}') as { streams?: Array<{ codec_name?: string; nb_read_frames?: string; width?: number }> }).streams?.[0];
  return { codec: stream?.codec_name, frames: Number(stream?.nb_read_frames ?? 0), width: stream?.width, errors: result.stderr.trim() };
}

/** An Annex-B H.264 elementary stream of AVCC chunks: SPS/PPS from each keyframe's `avcC`, start codes for lengths. */
export function annexB(chunks: readonly VideoChunk[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const startCode = Uint8Array.of(0, 0, 0, 1);
  for (const chunk of chunks) {
    if (chunk.description) {
      // avcC: 5 bytes, numSPS & 0x1f, then (u16 length, SPS)*, numPPS, then (u16 length, PPS)*.
      const d = chunk.description;
      let at = 5;
      for (const countMask of [0x1f, 0xff]) {
        const count = d[at]! & countMask;
        at++;
        for (let i = 0; i < count; i++) {
          const length = (d[at]! << 8) | d[at + 1]!;
          parts.push(startCode, d.subarray(at + 2, at + 2 + length));
          at += 2 + length;
        }
      }
    }
    const view = new DataView(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
    for (let at = 0; at + 4 <= chunk.data.byteLength;) {
      const length = view.getUint32(at);
      parts.push(startCode, chunk.data.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** A `video` subscription's chunk as it comes over GraphQL (base64 `data` and `description`). */
export interface WireVideoChunk {
  readonly seq: number;
  readonly keyframe: boolean;
  readonly codec: string;
  readonly description: string | null;
  readonly width: number;
  readonly height: number;
  readonly data: string;
}

/** Writes GraphQL chunks as an Annex-B `.h264` file in the temp directory and decodes every frame of it with ffprobe. */
export function probeWireChunks(chunks: readonly WireVideoChunk[], name: string): Probe {
  const path = join(tempDir, `${name}.h264`);
  writeFileSync(path, annexB(chunks.map((chunk) => ({
    ...chunk,
    cameraId: 'cam',
    capturedAt: 0,
    variant: 'full',
    description: chunk.description === null ? undefined : new Uint8Array(Buffer.from(chunk.description, 'base64')),
    data: new Uint8Array(Buffer.from(chunk.data, 'base64')),
  }))));
  return probe(path, 'h264');
}
