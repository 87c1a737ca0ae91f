/**
 * The variant cap through the real transports: a viewer asking for many
 * distinct widths (the amplification of issue 12: 3 connections × 20
 * subscriptions) costs at most `limits.maxVariantsPerCamera` encodes per
 * captured frame, counted by the capture side itself.
 */
import { afterEach, expect, it } from 'vitest';
import { cameraStats, encodesPerFrame } from '@servercam/testing';
import { CaptureServer } from '../src/roles/capture.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { silentLogger } from '../src/index.ts';
import { hasRedis, startRedis } from './helpers/redis.ts';
import { closeAll, mjpegParts, next, openMjpeg, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';
import { fromBase64, jpegSize } from './helpers/media.ts';

afterEach(async () => {
  await closeAll();
});

const FRAMES = 'subscription ($w: Int) { frames(maxWidth: $w) { seq width height data } }';

interface Shot {
  readonly frames: { seq: number; width: number; height: number; data: string };
}

it('3 graphql-ws connections × 20 subscriptions of distinct widths cost at most maxVariantsPerCamera encodes a frame', async () => {
  const running = await startServer({ fps: 10, cameras: [{ id: 'cam', source: 'synthetic:640x480@10' }] });
  const subscriptions = Array.from({ length: 3 }, (_, c) => {
    const client = wsClient(running.wsUrl);
    return Array.from({ length: 20 }, (_, s) => wsSubscribe<Shot>(client, FRAMES, { w: 16 + (c * 20 + s) * 10 }));
  }).flat();
  const firsts = await Promise.all(subscriptions.map((frames) => next(frames, 15_000)));
  for (const { data, errors } of firsts) {
    expect(errors).toBeUndefined();
    // The size said is the size encoded.
    expect(jpegSize(fromBase64(data!.frames.data))).toEqual({ width: data!.frames.width, height: data!.frames.height });
  }
  // 60 widths from 16 to 606 ask for six sizes (96, 160, 240, 320, 480 and full); the default cap makes four.
  expect(new Set(firsts.map(({ data }) => data!.frames.width)).size).toBeLessThanOrEqual(4);
  const { perFrame, captured } = await encodesPerFrame(running.server.stream, 1500);
  expect(captured).toBeGreaterThan(5);
  expect(perFrame).toBeLessThanOrEqual(4 + 4 / captured);
});

it('limits.maxVariantsPerCamera is passed to the capture, for MJPEG ?maxWidth= too', async () => {
  const running = await startServer({ fps: 10, limits: { maxVariantsPerCamera: 2 }, cameras: [{ id: 'cam', source: 'synthetic:640x480@10' }] });
  const streams = await Promise.all([100, 200, 300, 400].map((width) => openMjpeg(`${running.url}/cameras/cam/stream.mjpeg?maxWidth=${width}`)));
  const parts = streams.map((response) => mjpegParts(response));
  const widths = await Promise.all(parts.map(async (stream) => jpegSize((await next(stream)).data).width));
  // 160, 240, 320 and 480 are asked for; with full size (value) only one of them is made, the others get full size.
  expect(new Set(widths).size).toBeLessThanOrEqual(2);
  expect(widths).toContain(640);
  await until(async () => (await cameraStats(running.server.stream)).captured > 0, 'capture');
  const { perFrame, captured } = await encodesPerFrame(running.server.stream, 1500);
  expect(captured).toBeGreaterThan(5);
  // full (value) + one scaled width.
  expect(perFrame).toBeLessThanOrEqual(2 + 2 / captured);
  await Promise.all(parts.map((stream) => stream.return(undefined)));
});

it.skipIf(!hasRedis)('a gateway\'s demand is capped by the capture node; subscriptions past the cap get frames through Redis', async () => {
  const redis = await startRedis();
  const capture = new CaptureServer({
    redisUrl: redis.url,
    cameras: [{ id: 'cam', source: 'synthetic:640x480@10' }],
    fps: 10,
    isolation: 'worker',
    heartbeatMs: 200,
    port: 0,
    logger: silentLogger(),
    maxVariantsPerCamera: 2,
  });
  const gateway = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, logger: silentLogger() });
  try {
    await capture.listen();
    const { url } = await gateway.listen();
    await until(() => gateway.stream.camera('cam')?.status === 'live', 'the gateway to see the camera live');
    const client = wsClient(`${url.replace(/^http/, 'ws')}/graphql`);
    const subscriptions = [160, 240, 320, 480].map((w) => wsSubscribe<Shot>(client, FRAMES, { w }));
    const firsts = await Promise.all(subscriptions.map((frames) => next(frames, 15_000)));
    for (const { data } of firsts) expect(jpegSize(fromBase64(data!.frames.data))).toEqual({ width: data!.frames.width, height: data!.frames.height });
    const { perFrame, captured } = await encodesPerFrame(capture.stream, 1500);
    expect(captured).toBeGreaterThan(5);
    expect(perFrame).toBeLessThanOrEqual(2 + 2 / captured);
    await Promise.all(subscriptions.map((frames) => frames.return!()));
  } finally {
    await closeAll();
    await gateway.close();
    await capture.close();
    await redis.stop();
  }
});
