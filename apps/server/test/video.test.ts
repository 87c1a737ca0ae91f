/**
 * The `video` subscription through the real transports (graphql-ws and SSE on
 * real sockets), on the core's real H.264 encoder (ffmpeg's libx264): a late
 * joiner starts at a keyframe with its `avcC`, the chunks decode with ffprobe
 * (as many frames as chunks), each chunk is serialized once for every
 * subscriber, and the bytes per chunk against JPEG frames of the same camera.
 */
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, collectFor, next, type Result, type Running, sseEvents, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';
import { annexB, probe } from './helpers/h264.ts';
import { tempDir } from './helpers/media.ts';
import type { VideoChunk } from '@servercam/core';

interface WireChunk {
  cameraId: string;
  seq: number;
  capturedAt: string;
  keyframe: boolean;
  codec: string;
  description: string | null;
  width: number;
  height: number;
  data: string;
}
type VideoResult = Result<{ video: WireChunk }>;

const VIDEO = 'subscription($cameraId: ID, $maxWidth: Int) { video(cameraId: $cameraId, maxWidth: $maxWidth) { cameraId seq capturedAt keyframe codec description width height data } }';
const CHUNKS = 45;

let running: Running;

beforeAll(async () => {
  running = await startServer({ cameras: [{ id: 'cam', source: 'synthetic:320x240' }], fps: 15 });
});
afterAll(closeAll);

/** A wire chunk as the core's shape, for the test's Annex-B writer. */
function decoded(chunk: WireChunk): VideoChunk {
  return {
    ...chunk,
    capturedAt: Date.parse(chunk.capturedAt),
    description: chunk.description === null ? undefined : new Uint8Array(Buffer.from(chunk.description, 'base64')),
    data: new Uint8Array(Buffer.from(chunk.data, 'base64')),
    variant: 'full',
  };
}

/** Writes chunks as an Annex-B `.h264` file and decodes every frame of it with ffprobe. */
function probeChunks(chunks: readonly WireChunk[], name: string): ReturnType<typeof probe> {
  const path = join(tempDir, `${name}.h264`);
  writeFileSync(path, annexB(chunks.map(decoded)));
  return probe(path, 'h264');
}

async function wsChunks(count: number, variables: Record<string, unknown> = { cameraId: 'cam' }): Promise<WireChunk[]> {
  const video = wsSubscribe<VideoResult['data']>(wsClient(running.wsUrl), VIDEO, variables);
  const chunks: WireChunk[] = [];
  try {
    while (chunks.length < count) {
      const result = (await next(video, 15_000, 'a video chunk')) as VideoResult;
      expect(result.errors).toBeUndefined();
      chunks.push(result.data!.video);
    }
  } finally {
    await video.return?.();
  }
  return chunks;
}

describe('the video subscription', () => {
  it('over graphql-ws: a late joiner starts at a keyframe with its description, in seq order', async () => {
    // A first viewer keeps the encoder busy, so the second joins in the middle of a GOP.
    const first = wsSubscribe<VideoResult['data']>(wsClient(running.wsUrl), VIDEO, { cameraId: 'cam' });
    let seen = 0;
    let last: WireChunk | undefined;
    while (seen < 5 || last?.keyframe) {
      last = ((await next(first, 15_000, 'a chunk of the first viewer')) as VideoResult).data!.video;
      seen++;
    }
    const late = await wsChunks(3);
    await first.return?.();
    expect(late[0]).toMatchObject({ cameraId: 'cam', keyframe: true, codec: expect.stringMatching(/^avc1\.[0-9a-fA-F]{6}$/), width: 320, height: 240 });
    expect(late[0]!.description).toEqual(expect.any(String));
    // It starts from the GOP being played, not the next one: at most the first viewer's latest chunk.
    expect(late[0]!.seq).toBeLessThanOrEqual(last!.seq);
    // In capture order (seq is the captured frame's: it may skip frames the encoder did not take), avcC on keyframes only.
    expect(late[1]!.seq).toBeGreaterThan(late[0]!.seq);
    expect(late[2]!.seq).toBeGreaterThan(late[1]!.seq);
    expect(late.every((chunk) => (chunk.description !== null) === chunk.keyframe)).toBe(true);
  });

  it('over graphql-ws: the chunks, written to a .h264 file, decode with ffprobe into as many frames', async () => {
    const chunks = await wsChunks(CHUNKS);
    const probed = probeChunks(chunks, 'graphql-ws');
    expect(probed).toMatchObject({ codec: 'h264', width: 320, frames: chunks.length, errors: '' });
  });

  it('over SSE: the same, from a keyframe with its description', async () => {
    const chunks: WireChunk[] = [];
    for await (const event of sseEvents(running.url, VIDEO, { cameraId: 'cam' })) {
      if (event.event !== 'next') continue;
      const result = JSON.parse(event.data) as VideoResult;
      expect(result.errors).toBeUndefined();
      chunks.push(result.data!.video);
      if (chunks.length === CHUNKS) break;
    }
    expect(chunks[0]).toMatchObject({ keyframe: true, description: expect.any(String) });
    expect(probeChunks(chunks, 'sse')).toMatchObject({ codec: 'h264', frames: CHUNKS, errors: '' });
  });

  it('each chunk is serialized once, however many subscribers receive it', async () => {
    const client = wsClient(running.wsUrl);
    const streams = Array.from({ length: 6 }, () => wsSubscribe<VideoResult['data']>(client, VIDEO, { cameraId: 'cam' }));
    await Promise.all(streams.map((stream) => next(stream)));
    const before = running.server.app.stats().serializations.graphqlVideoChunks;
    const received = await Promise.all(streams.map((stream) => collectFor(stream, 2000)));
    const made = running.server.app.stats().serializations.graphqlVideoChunks - before;
    const delivered = received.reduce((sum, results) => sum + results.length, 0);
    const distinct = new Set(received.flatMap((results) => results.map((result) => (result as VideoResult).data!.video.seq))).size;
    expect(distinct).toBeGreaterThan(3);
    expect(delivered).toBeGreaterThan(distinct * 3);
    // Serializations follow chunks, not deliveries.
    expect(made).toBeLessThan(delivered / 2);
    expect(running.server.app.stats().graphqlWsVideo.fastPath).toBeGreaterThanOrEqual(6);
  });

  it('a bad maxWidth is BAD_USER_INPUT naming it, and an unknown camera too', async () => {
    const client = wsClient(running.wsUrl);
    for (const [variables, argument] of [[{ cameraId: 'cam', maxWidth: -5 }, 'maxWidth'], [{ cameraId: 'nope' }, 'cameraId']] as const) {
      const result = (await next(wsSubscribe(client, VIDEO, variables))) as Result<unknown>;
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
  });

  it('costs fewer bytes per chunk than a JPEG frame of the same camera (reported)', async () => {
    const frames = wsSubscribe<{ frames: { data: string } }>(wsClient(running.wsUrl), 'subscription { frames(cameraId: "cam") { data } }');
    const jpeg: number[] = [];
    for (let i = 0; i < 30; i++) jpeg.push(Buffer.from(((await next(frames)) as Result<{ frames: { data: string } }>).data!.frames.data, 'base64').byteLength);
    await frames.return?.();
    const h264 = (await wsChunks(30)).map((chunk) => Buffer.from(chunk.data, 'base64').byteLength);
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    console.info(`[video] 320x240 synthetic, 30 each: H.264 ${mean(h264).toFixed(0)} B/chunk (keyframe ${Math.max(...h264)} B), JPEG ${mean(jpeg).toFixed(0)} B/frame`);
    expect(mean(h264)).toBeLessThan(mean(jpeg));
  });

  it('the subscription is counted while it runs, and released when it ends', async () => {
    const video = wsSubscribe<VideoResult['data']>(wsClient(running.wsUrl), VIDEO, { cameraId: 'cam' });
    await next(video);
    expect(running.server.app.stats().subscriptions.video).toBeGreaterThanOrEqual(1);
    await video.return?.();
    await until(() => running.server.app.stats().subscriptions.video === 0, 'the video subscription to be released');
  });
});
