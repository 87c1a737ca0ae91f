/**
 * A gateway's H.264 when the bus loses or repeats messages, which a real
 * capture node cannot be made to do on cue: a real gateway on a real
 * redis-server, fed real libx264 access units (and the state) by the test,
 * published in the capture node's wire format. Its `video` subscriber never
 * sees a broken GOP: after a lost chunk it resumes at a keyframe, a chunk seen
 * twice is given once, and what it received decodes cleanly with ffprobe.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeVideoChunk } from '../src/bus/redis-video-protocol.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { type Servercam, silentLogger } from '../src/index.ts';
import type { VideoChunk } from '@servercam/core';
import { closeAll, next, type Result, until, wsClient, wsSubscribe } from './helpers/clients.ts';
import { annexB, chunksOf, makeH264, probe } from './helpers/h264.ts';
import { tempDir } from './helpers/media.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const CHANNEL = 'servercam:video:a:h264:full';
const VIDEO = 'subscription { video(cameraId: "a") { seq keyframe description data } }';
type Wire = { seq: number; keyframe: boolean; description: string | null; data: string };

let redis: RedisProcess;
let pub: Redis;
let gateway: Servercam;
let wsUrl: string;
let chunks: VideoChunk[];
let heartbeat: NodeJS.Timeout | undefined;

const state = (): string => JSON.stringify({
  type: 'state', node: 'test-node', at: Date.now(),
  settings: { paused: false, fps: 30, quality: 80, activeCameraId: 'a' },
  cameras: [{ id: 'a', label: 'A', status: 'live', width: 160, height: 120, measuredFps: 30, consumers: 0, motion: false }],
});

/** Publishes `chunks[index]` as the capture node's message `n` of its reader `stream`. */
function send(index: number, n: number, stream = 'reader-1'): Promise<number> {
  return pub.publish(CHANNEL, encodeVideoChunk({ ...chunks[index]!, cameraId: 'a', seq: 1000 + n, variant: 'h264:full' }, { stream, n }));
}

function toChunk(wire: Wire): VideoChunk {
  return { ...chunks[0]!, ...wire, data: Buffer.from(wire.data, 'base64'), description: wire.description === null ? undefined : Buffer.from(wire.description, 'base64') };
}

const describeRedis = hasRedis ? describe : describe.skip;

describeRedis('a gateway\'s video on a lossy bus', () => {
  beforeAll(async () => {
    chunks = await chunksOf(makeH264(160, 120, 2, 15), 'a');
    redis = await startRedis();
    pub = new Redis(redis.url, { lazyConnect: false });
    heartbeat = setInterval(() => void pub.publish('servercam:state', state()).catch(() => {}), 200);
    gateway = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, logger: silentLogger() });
    wsUrl = `${(await gateway.listen()).url.replace(/^http/, 'ws')}/graphql`;
    await until(() => gateway.stream.cameras.length === 1, 'the gateway to see the camera');
  });
  afterAll(async () => {
    clearInterval(heartbeat);
    await closeAll();
    await gateway?.close();
    pub?.disconnect();
    await redis?.stop();
  });

  /** A subscriber whose gateway is subscribed to the video channel, and a reader of its chunks. */
  async function subscriber(): Promise<{ take(count: number): Promise<Wire[]>; end(): Promise<unknown> }> {
    const video = wsSubscribe<{ video: Wire }>(wsClient(wsUrl), VIDEO);
    await until(async () => (await pub.pubsub('NUMSUB', CHANNEL))[1] === 1, 'the gateway to subscribe to the video channel');
    return {
      take: async (count) => {
        const taken: Wire[] = [];
        while (taken.length < count) taken.push(((await next(video, 10_000, 'a chunk')) as Result<{ video: Wire }>).data!.video);
        return taken;
      },
      end: async () => {
        await video.return?.();
        await until(async () => (await pub.pubsub('NUMSUB', CHANNEL))[1] === 0, 'the gateway to leave the video channel');
      },
    };
  }

  it('after a lost chunk it resumes at the next keyframe, and what it gave decodes cleanly', async () => {
    const video = await subscriber();
    // GOP 1 (chunks 0..14) loses chunk 6; GOP 2 (15..29) is whole.
    for (let i = 0; i < 30; i++) if (i !== 6) await send(i, i);
    const received = await video.take(6 + 15);
    await video.end();
    expect(received.map((chunk) => chunk.seq - 1000)).toEqual([0, 1, 2, 3, 4, 5, ...Array.from({ length: 15 }, (_, i) => 15 + i)]);
    expect(received[6]).toMatchObject({ seq: 1015, keyframe: true, description: expect.any(String) });
    const path = join(tempDir, 'gateway-lossy.h264');
    writeFileSync(path, annexB(received.map(toChunk)));
    expect(probe(path, 'h264')).toMatchObject({ codec: 'h264', frames: received.length, errors: '' });
  });

  it('a new reader on the capture node, numbering afresh, is followed from its keyframe', async () => {
    const video = await subscriber();
    for (let i = 0; i < 5; i++) await send(i, 500 + i, 'reader-a');
    // reader-b's first chunk (16) is a delta: it and the rest of its GOP are passed over, up to the keyframe 30 (its n 14).
    for (let i = 16; i < 35; i++) await send(i, i - 16, 'reader-b');
    const received = await video.take(10);
    await video.end();
    expect(received.map((chunk) => chunk.keyframe)).toEqual([true, false, false, false, false, true, false, false, false, false]);
    expect(received.map((chunk) => chunk.seq - 1000)).toEqual([500, 501, 502, 503, 504, 14, 15, 16, 17, 18]);
  });

  it('a chunk published twice (a GOP replayed for another gateway) is given once', async () => {
    const video = await subscriber();
    for (let i = 30; i < 35; i++) await send(i, 100 + i);
    for (let i = 30; i < 40; i++) await send(i, 100 + i);
    const received = await video.take(10);
    await video.end();
    expect(received.map((chunk) => chunk.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 1130 + i));
  });
});
