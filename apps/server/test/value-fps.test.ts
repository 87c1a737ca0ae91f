/**
 * A server makes the active camera's full-size JPEG (the core's `value`) once
 * a second while no viewer takes it (app-options.ts, SERVER_VALUE_FPS): an
 * idle server, or one whose viewers watch H.264, saves a JPEG encode per
 * frame. A viewer of the full size makes it every frame, and a snapshot is
 * still a current frame. Real capture, real sockets, the real encoder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isCurrentAge } from '../src/frames/snapshot.ts';
import { cameraStats, encodesPerFrame } from '@servercam/testing';
import { closeAll, next, openMjpeg, type Running, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';
import { staleLatest } from './helpers/frames.ts';

afterEach(closeAll);

const CAMERA = { id: 'cam', source: 'synthetic:320x240@20' };

/** Full-size JPEG encodes per frame captured over about `ms`. */
const fullEncodesPerFrame = (running: Running, ms: number) => encodesPerFrame(running.server.stream, ms, 'cam', 'full');

it('an idle server captures every frame but makes the full-size JPEG about once a second', async () => {
  const running = await startServer({ fps: 20, cameras: [CAMERA] });
  await until(() => running.server.stream.latest('cam'), 'a first frame');
  const { perFrame, captured } = await fullEncodesPerFrame(running, 2500);
  expect(captured).toBeGreaterThan(20);
  expect(perFrame).toBeGreaterThan(0);
  expect(perFrame).toBeLessThan(0.25);
});

it('an H.264 viewer costs no full-size JPEG per frame', async () => {
  const running = await startServer({ fps: 20, cameras: [CAMERA] });
  const video = wsSubscribe<{ video: { seq: number } }>(wsClient(running.wsUrl), 'subscription { video(cameraId: "cam") { seq } }');
  await next(video, 15_000, 'a first chunk');
  const pictures = async () => (await cameraStats(running.server.stream)).videoEncoders?.['h264:full']?.pictures ?? 0;
  const before = await pictures();
  const { perFrame, captured } = await fullEncodesPerFrame(running, 2500);
  const encoded = (await pictures()) - before;
  expect(captured).toBeGreaterThan(20);
  // The video goes on (the encoder may skip a frame while it is behind, on a loaded machine).
  expect(encoded).toBeGreaterThan(captured / 2);
  expect(perFrame).toBeLessThan(0.25);
});

it('an MJPEG viewer of the full size makes it every frame', async () => {
  const running = await startServer({ fps: 20, cameras: [CAMERA] });
  const response = await openMjpeg(`${running.url}/cameras/cam/stream.mjpeg`);
  await until(() => running.server.stream.latest('cam'), 'a first frame');
  const { perFrame, captured } = await fullEncodesPerFrame(running, 1500);
  await response.body?.cancel();
  expect(captured).toBeGreaterThan(10);
  expect(perFrame).toBeGreaterThan(0.8);
});

it('a snapshot while nothing watches is a new frame, not the once-a-second value', async () => {
  const running = await startServer({ fps: 20, cameras: [CAMERA] });
  const stale = await staleLatest(running.server.stream);
  const asked = Date.now();
  const response = await fetch(`${running.url}/cameras/cam/snapshot.jpg`);
  expect(response.status).toBe(200);
  expect(Number(response.headers.get('x-frame-seq'))).toBeGreaterThan(stale.seq);
  // A current picture: made about when it was asked for (within two frame intervals), not a second before.
  expect(Date.parse(response.headers.get('x-captured-at')!)).toBeGreaterThan(asked - 150);
});

it('a snapshot is not a viewer: the camera never reports one while it is taken', async () => {
  const running = await startServer({ fps: 20, cameras: [CAMERA] });
  await staleLatest(running.server.stream);
  const counts: number[] = [];
  const stop = running.server.stream.on('status', (camera) => void counts.push(camera.consumers));
  const response = await fetch(`${running.url}/cameras/cam/snapshot.jpg`);
  stop();
  expect(response.status).toBe(200);
  expect(counts.filter((count) => count > 0)).toEqual([]);
});

describe('isCurrentAge', () => {
  it('holds a frame made within about two frame intervals', () => {
    expect(isCurrentAge(120, 20)).toBe(true);
    expect(isCurrentAge(130, 20)).toBe(false);
  });

  it('gives at least 100 ms, for jitter at high rates', () => {
    expect(isCurrentAge(100, 120)).toBe(true);
    expect(isCurrentAge(101, 120)).toBe(false);
  });

  it('holds no frame of a camera whose rate is not measured yet', () => {
    expect(isCurrentAge(0, 0)).toBe(false);
  });
});
