/**
 * The fragmented MP4 muxer (video/fmp4.ts) on real H.264: access units encoded
 * by ffmpeg's libx264, muxed by mediabunny, read back by ffprobe.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fmp4Stream } from '../src/video/fmp4.ts';
import { chunksOf, makeH264, probe } from './helpers/h264.ts';
import { tempDir } from './helpers/media.ts';

async function mux(chunks: Parameters<Fmp4Stream['add']>[0][]): Promise<{ path: string; results: string[] }> {
  const parts: Uint8Array[] = [];
  const stream = new Fmp4Stream((bytes) => parts.push(bytes.slice()));
  const results: string[] = [];
  for (const chunk of chunks) results.push(await stream.add(chunk));
  await stream.finish();
  const path = join(tempDir, `muxed-${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(path, Buffer.concat(parts));
  return { path, results };
}

describe('fragmented MP4 of H.264 chunks', () => {
  it('is read by ffprobe as H.264 with every chunk a frame and no decode error', async () => {
    const chunks = await chunksOf(makeH264(320, 240, 3, 30));
    const { path } = await mux(chunks);
    const probed = probe(path);
    expect(probed).toMatchObject({ codec: 'h264', width: 320, frames: chunks.length, errors: '' });
  });

  it('starts at the first keyframe: chunks before it are passed over', async () => {
    const chunks = await chunksOf(makeH264(320, 240, 3, 30));
    const { path, results } = await mux(chunks.slice(10));
    expect(results.slice(0, 20).filter((result) => result === 'waiting')).toHaveLength(20);
    expect(probe(path)).toMatchObject({ codec: 'h264', frames: chunks.length - 30, errors: '' });
  });

  it('refuses a keyframe of another size: one track cannot take it', async () => {
    const small = await chunksOf(makeH264(320, 240, 1, 30));
    const large = await chunksOf(makeH264(640, 480, 1, 30));
    const { results } = await mux([...small, large[0]!]);
    expect(results.at(-1)).toBe('reconfigured');
    expect(results.slice(0, -1).every((result) => result === 'added')).toBe(true);
  });
});
