/**
 * `GET /cameras/:id/stream.mp4` on a real socket, on the core's real H.264:
 * ffprobe reads what a client received, Debian's Chromium plays it in a
 * `<video>` element, ffplay and VLC play the live URL headless (each skipped,
 * loudly, where the player is not installed; CI requires them), and it
 * answers like MJPEG to bad requests.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_FLAGS, chromiumBinary, cvlcPictures, ffplayFrames, jpegSize, playerRequirement, runOrSkip } from '@servercam/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, type Running, startServer, until } from './helpers/clients.ts';
import { probe } from './helpers/h264.ts';
import { tempDir } from './helpers/media.ts';

let running: Running;
let browser: Browser | undefined;
const hasFfplay = runOrSkip(playerRequirement('ffplay', '@servercam/server (stream.mp4)'));
const hasCvlc = runOrSkip(playerRequirement('cvlc', '@servercam/server (stream.mp4)'));

beforeAll(async () => {
  running = await startServer({ cameras: [{ id: 'cam', label: 'Cam', source: 'synthetic:320x240' }], fps: 15 });
});
afterAll(async () => {
  await browser?.close();
  await closeAll();
});

/** The bytes of `path` received until `enough` says so (then the request is aborted). */
async function receive(path: string, enough: (body: Buffer) => boolean): Promise<{ response: Response; body: Buffer }> {
  const controller = new AbortController();
  const response = await fetch(`${running.url}${path}`, { signal: controller.signal });
  let body = Buffer.alloc(0);
  const reader = response.body!.getReader();
  try {
    while (!enough(body)) {
      const { value, done } = await reader.read();
      if (done) break;
      body = Buffer.concat([body, value]);
    }
  } finally {
    controller.abort();
    await reader.cancel().catch(() => {});
  }
  return { response, body };
}

/** The top-level MP4 boxes of `body`, by type, in order. */
function boxes(body: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at + 8 <= body.byteLength;) {
    const size = body.readUInt32BE(at);
    types.push(body.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return types;
}

describe('stream.mp4', () => {
  it('is fragmented MP4 that ffprobe reads as H.264 with frames', async () => {
    // Three fragments (moof) after the init segment: two whole GOPs at least.
    const { response, body } = await receive('/cameras/cam/stream.mp4', (received) => boxes(received).filter((type) => type === 'moof').length >= 3);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    const path = join(tempDir, 'stream.mp4');
    writeFileSync(path, body);
    expect(boxes(body).slice(0, 3)).toEqual(['ftyp', 'moov', 'moof']);
    const probed = probe(path);
    expect(probed.codec).toBe('h264');
    expect(probed.width).toBe(320);
    expect(probed.frames).toBeGreaterThan(0);
  });

  it('plays in a Chromium <video>: currentTime advances', async () => {
    browser = await chromium.launch({ executablePath: (await chromiumBinary()).path, args: [...CHROMIUM_FLAGS, '--autoplay-policy=no-user-gesture-required'], headless: true });
    const page = await browser.newPage();
    await page.goto(`${running.url}/healthz`);
    await page.evaluate((src) => {
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.src = src;
      video.id = 'live';
      document.body.append(video);
    }, '/cameras/cam/stream.mp4');
    const state = (): Promise<{ time: number; error: number | null; width: number }> =>
      page.evaluate(() => {
        const video = document.querySelector<HTMLVideoElement>('#live')!;
        return { time: video.currentTime, error: video.error?.code ?? null, width: video.videoWidth };
      });
    let first = 0;
    await until(async () => {
      const now = await state();
      expect(now.error).toBeNull();
      first = now.time;
      return now.time > 0;
    }, 'the video to start playing', 30_000);
    await until(async () => (await state()).time > first, 'currentTime to advance', 30_000);
    expect((await state()).width).toBe(320);
    // Closed, the page's streams are released (the tests after count the clients).
    await page.close();
    await until(() => running.server.app.stats().mp4.clients === 0, 'the page\'s stream to be released');
  });

  it.skipIf(!hasFfplay)('plays in ffplay (headless): it decodes frames of the camera\'s size from a keyframe on, with no error', async () => {
    const before = running.server.app.stats().mp4.clients;
    const { frames, errors } = await ffplayFrames(`${running.url}/cameras/cam/stream.mp4`, 20);
    // Stopped, the player is released like any client that leaves.
    await until(() => running.server.app.stats().mp4.clients === before, 'ffplay\'s stream to be released');
    expect(errors).toEqual([]);
    expect(frames[0]).toMatchObject({ n: 0, keyframe: true, type: 'I', width: 320, height: 240 });
    expect(frames.every((frame) => frame.width === 320 && frame.height === 240)).toBe(true);
    expect(frames.map((frame) => frame.n)).toEqual(frames.map((_, i) => i));
    // A live picture: the synthetic camera's clock and box move.
    expect(new Set(frames.map((frame) => frame.checksum)).size).toBeGreaterThan(1);
  });

  it.skipIf(!hasCvlc)('plays in VLC (cvlc, headless): it decodes pictures of the camera\'s size that change', async () => {
    const before = running.server.app.stats().mp4.clients;
    const { frames: pictures, errors, log } = await cvlcPictures(`${running.url}/cameras/cam/stream.mp4`, 60);
    await until(() => running.server.app.stats().mp4.clients === before, 'VLC\'s stream to be released');
    expect(errors).toEqual([]);
    // The decoded pictures' visible size; the JPEGs have its buffers' (as tall or taller).
    expect(log).toMatch(/vsz 320x240, 4cc I420/);
    const jpegs = pictures.map((path) => readFileSync(path));
    for (const jpeg of jpegs) expect(jpegSize(jpeg)).toMatchObject({ width: 320 });
    // A live picture (the synthetic camera's clock and box move); VLC may write a picture more than once while it starts.
    const distinct = new Set(jpegs.map((jpeg) => jpeg.toString('base64'))).size;
    console.info(`[stream.mp4] VLC: ${distinct} distinct of ${jpegs.length} pictures`);
    expect(distinct).toBeGreaterThan(1);
  });

  it('answers 404 for an unknown camera and 400 for a bad maxWidth, like MJPEG', async () => {
    expect((await fetch(`${running.url}/cameras/nope/stream.mp4`)).status).toBe(404);
    expect((await fetch(`${running.url}/cameras/cam/stream.mp4?maxWidth=abc`)).status).toBe(400);
    const head = await fetch(`${running.url}/cameras/cam/stream.mp4`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('video/mp4');
  });

  it('needs a viewer token when auth is on, like MJPEG: 401 without, video with', async () => {
    const viewer = randomBytes(24).toString('hex');
    const guarded = await startServer({ auth: { viewerToken: viewer, operatorToken: randomBytes(24).toString('hex') }, cameras: [{ id: 'cam', source: 'synthetic:160x120' }] });
    expect((await fetch(`${guarded.url}/cameras/cam/stream.mp4`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/cameras/cam/stream.mp4`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${guarded.url}/cameras/cam/stream.mp4`, { headers: { authorization: `Bearer ${viewer}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    controller.abort();
    await response.body?.cancel().catch(() => {});
  });

  it('a client that leaves is released', async () => {
    let clientsWhileReading: number | undefined;
    await receive('/cameras/cam/stream.mp4', (received) => {
      if (received.byteLength === 0) return false;
      clientsWhileReading = running.server.app.stats().mp4.clients;
      return true;
    });
    expect(clientsWhileReading).toBe(1);
    await until(() => running.server.app.stats().mp4.clients === 0, 'the client to be released');
  });
});
