/**
 * MJPEG streams on /cameras/:id/stream.mjpeg, on real sockets.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeAll, collectFor, mjpegParts, next, openMjpeg, type Running, startServer } from './helpers/clients.ts';
import { jpegSize } from './helpers/media.ts';

let running: Running;

beforeAll(async () => {
  running = await startServer({
    fps: 20,
    quality: 90,
    cameras: [
      { id: 'cam', source: 'synthetic:640x480@30' },
      { id: 'other', source: 'synthetic:160x120@30' },
    ],
  });
});

afterAll(async () => {
  await closeAll();
});

it('streams multipart/x-mixed-replace parts, each a whole JPEG of the camera', async () => {
  const response = await openMjpeg(`${running.url}/cameras/cam/stream.mjpeg`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^multipart\/x-mixed-replace; ?boundary=/);
  expect(response.headers.get('cache-control')).toMatch(/no-store/);
  const parts = mjpegParts(response);
  const seqs: number[] = [];
  for (let i = 0; i < 4; i++) {
    const part = await next(parts);
    expect(part.headers['content-type']).toBe('image/jpeg');
    expect(jpegSize(part.data)).toEqual({ width: 640, height: 480 });
    seqs.push(Number(part.headers['x-frame-seq']));
  }
  await parts.return(undefined);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
});

it('follows the shared fps, thinned by maxFps and scaled by maxWidth', async () => {
  const response = await openMjpeg(`${running.url}/cameras/other/stream.mjpeg?maxWidth=80&maxFps=4`);
  const parts = mjpegParts(response);
  const first = await next(parts);
  // 80 snaps up to the ladder's 96.
  expect(jpegSize(first.data)).toEqual({ width: 96, height: 72 });
  const received = await collectFor(parts, 2000);
  expect(received.length).toBeGreaterThanOrEqual(4);
  expect(received.length).toBeLessThanOrEqual(12);
});

it('answers 404 for an unknown camera and 400 for a bad maxWidth', async () => {
  const unknown = await fetch(`${running.url}/cameras/garage/stream.mjpeg`);
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toEqual({ error: 'Unknown camera "garage"' });
  const bad = await fetch(`${running.url}/cameras/cam/stream.mjpeg?maxWidth=huge`);
  expect(bad.status).toBe(400);
  expect((await bad.json()).error).toMatch(/maxWidth/);
});
