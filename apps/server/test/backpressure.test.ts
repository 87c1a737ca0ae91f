/**
 * Slow subscribers: a client that stops reading gets frames dropped, never
 * queued. Server-side buffers for it stay at about one message, and the
 * healthy clients keep their rate.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Frame } from '@servercam/schema';
import { FramesDocument } from '@servercam/schema/client';
import {
  closeAll,
  collectFor,
  mjpegParts,
  next,
  openMjpeg,
  type Running,
  stalledHttpClient,
  stalledWsSubscriber,
  startServer,
  until,
  wsClient,
  wsSubscribe,
} from './helpers/clients.ts';

// Big, fast frames (~40 KB at 30 fps) fill the kernel's socket buffers of a stalled client in a few seconds.
const FPS = 30;
let running: Running;

beforeAll(async () => {
  running = await startServer({ fps: FPS, quality: 100, cameras: [{ id: 'cam', source: 'synthetic:1280x720@30' }] });
});

afterAll(async () => {
  await closeAll();
});

/** Samples `read` every 100 ms for `ms`, returning every sample. */
async function sample<T>(read: () => T, ms: number): Promise<T[]> {
  const samples: T[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    samples.push(read());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return samples;
}

it('a stalled graphql-ws subscriber skips frames with one message buffered, and the others keep their rate', async () => {
  const stalled = await stalledWsSubscriber(running.wsUrl, FramesDocument.toString());
  const healthy = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FramesDocument.toString());
  const frameSize = (await next(healthy)).data!.frames.data.length;
  // Once the kernel's buffers for the stalled socket are full, its frames start to be dropped.
  await until(() => running.server.stats().subscriptions.framesDropped > 5, 'frames dropped for the stalled subscriber', 20_000);
  const dropped = running.server.stats().subscriptions.framesDropped;
  const [received, buffered] = await Promise.all([
    collectFor(healthy, 3000),
    sample(() => running.server.stats().webSockets.bufferedBytes, 2900),
  ]);
  // The healthy client gets about FPS × 3 frames (generous bound for a shared machine).
  expect(received.length).toBeGreaterThan(FPS * 3 * 0.5);
  const seqs = received.map((result) => result.data!.frames.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  // The stalled one keeps skipping, and what the server holds for it never grows past about one message.
  expect(running.server.stats().subscriptions.framesDropped - dropped).toBeGreaterThan(FPS * 3 * 0.5);
  expect(Math.max(...buffered)).toBeLessThan(frameSize * 2.5);
  stalled.terminate();
});

it('a stalled MJPEG client skips frames with one part buffered, and the others keep their rate', async () => {
  const stalled = await stalledHttpClient(running.url, '/cameras/cam/stream.mjpeg');
  const healthy = mjpegParts(await openMjpeg(`${running.url}/cameras/cam/stream.mjpeg`));
  const partSize = (await next(healthy)).data.length + 200;
  await until(() => running.server.stats().mjpeg.partsDropped > 5, 'parts dropped for the stalled client', 20_000);
  const dropped = running.server.stats().mjpeg.partsDropped;
  const [received, buffered] = await Promise.all([
    collectFor(healthy, 3000),
    sample(() => running.server.stats().httpStreams.bufferedBytes, 2900),
  ]);
  expect(received.length).toBeGreaterThan(FPS * 3 * 0.5);
  expect(running.server.stats().mjpeg.partsDropped - dropped).toBeGreaterThan(FPS * 3 * 0.5);
  // One part being written to the stalled socket (the healthy one may hold one too).
  expect(Math.max(...buffered)).toBeLessThan(partSize * 3);
  // Both go away (collectFor ended the healthy one): the server releases them.
  stalled.destroy();
  await until(() => running.server.stats().mjpeg.clients === 0, 'the MJPEG clients to be released');
  expect(running.server.stream.camera('cam')!.consumers).toBe(0);
});
