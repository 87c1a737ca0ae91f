/**
 * H.264 in the live view, in Debian's Chromium against a real `servercam
 * serve`: WebCodecs plays the `video` subscription, costs fewer bytes than a
 * JPEG viewer of the same camera at the same time, and "Force JPEG" switches
 * this browser back to JPEG. The figures measured are printed and saved to
 * artifacts/web-video-figures.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canvasSize, launch, openViewer, pictureShot, waitForNewFrame, waitForStage } from './helpers/browser.ts';
import { SCREENSHOTS } from './helpers/paths.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { WireMeter, figure } from './helpers/video.ts';

const FPS = 15;
/** How long a wire count may take to show what the page did: the test hears of socket frames after the page. */
const WIRE = { timeout: 10_000 } as const;
let server: RunningServer;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([serve({ fps: FPS, cameras: ['synth=synthetic:1280x720'] }), launch()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
});

/** The H.264 player's workers of the page (apps/web/src/lib/video/h264.worker.ts, built under _app/immutable/workers/). */
const playerWorkers = (page: Page): string[] => page.workers().map((worker) => worker.url()).filter((url) => url.includes('h264.worker'));

/** A viewer of `/` and the bytes its WebSockets receive; with `forceJpeg`, its browser has chosen "Force JPEG" before. */
async function viewer(options: { forceJpeg?: boolean } = {}): Promise<{ page: Page; wire: WireMeter }> {
  const wire = new WireMeter();
  const page = await openViewer(browser, server.url, {
    before: async (context, page) => {
      wire.attach(page);
      if (options.forceJpeg) await context.addInitScript(() => localStorage.setItem('servercam.forceJpeg', 'true'));
    },
  });
  pages.push(page);
  return { page, wire };
}

describe('H.264 in the live view', () => {
  it('plays through WebCodecs: the `video` subscription carries the pictures, and the picture changes', async () => {
    const { page, wire } = await viewer();
    await waitForStage(page, (data) => data.painted >= 2 && data.format === 'h264', 'H.264 pictures');
    // What the WebSocket carried: results of the `video` subscription, and no `frames` subscription at all.
    // Polled: Chromium reports the socket's frames to the test asynchronously, after the page may have painted them.
    await expect.poll(() => wire.traffic()['Video']?.results ?? 0, WIRE).toBeGreaterThanOrEqual(2);
    expect(wire.traffic()['Frames']).toBeUndefined();
    const first = await pictureShot(page, 'h264-1');
    await waitForNewFrame(page);
    await waitForNewFrame(page);
    const second = await pictureShot(page, 'h264-2');
    expect(second.equals(first)).toBe(false);
    expect(await page.getByRole('status').filter({ hasText: 'Playing JPEG' }).count()).toBe(0);
  });

  it('decodes and draws in a worker, on the live view\'s canvas handed over to it', async () => {
    const { page } = await viewer();
    await waitForStage(page, (data) => data.painted >= 2 && data.format === 'h264', 'H.264 pictures');
    expect(playerWorkers(page)).toHaveLength(1);
    // The canvas was handed over: this page can no longer draw on it.
    const pageContext = await page.locator('section[aria-label="Live view"] canvas').evaluate((canvas) => {
      try {
        (canvas as HTMLCanvasElement).getContext('2d');
        return 'a context';
      } catch (error) {
        return (error as DOMException).name;
      }
    });
    expect(pageContext).toBe('InvalidStateError');
    // The canvas element shows what the worker's OffscreenCanvas holds: the camera's frame size.
    expect(await canvasSize(page)).toEqual({ width: 1280, height: 720 });
  });

  it('ends the player\'s worker when the viewer switches to JPEG', async () => {
    const { page } = await viewer();
    await waitForStage(page, (data) => data.painted >= 1 && data.format === 'h264', 'H.264 pictures');
    await page.getByRole('checkbox', { name: 'Force JPEG' }).check();
    await waitForStage(page, (data) => data.format === 'jpeg', 'the switch to JPEG');
    await waitForNewFrame(page);
    await expect.poll(() => playerWorkers(page), WIRE).toEqual([]);
  });

  it('receives fewer bytes per second than a JPEG viewer of the same camera at the same time', async () => {
    const { page: h264, wire: h264Wire } = await viewer();
    const { page: jpeg, wire: jpegWire } = await viewer({ forceJpeg: true });
    const meters = [h264Wire, jpegWire] as const;
    await waitForStage(h264, (data) => data.painted >= 10 && data.format === 'h264', 'a steady H.264 stream');
    await waitForStage(jpeg, (data) => data.painted >= 10 && data.format === 'jpeg', 'a steady JPEG stream');
    for (const meter of meters) meter.start();
    await h264.waitForTimeout(5_000);
    const [h264Rate, jpegRate] = meters.map((meter) => meter.bytesPerSecond());
    const figures = {
      fps: FPS,
      size: '1280x720',
      h264: { wireKbitPerSecond: ((h264Rate ?? 0) * 8) / 1000, overlay: await figure(h264, 'Data'), latency: await figure(h264, 'Latency') },
      jpeg: { wireKbitPerSecond: ((jpegRate ?? 0) * 8) / 1000, overlay: await figure(jpeg, 'Data'), latency: await figure(jpeg, 'Latency') },
      ratio: (h264Rate ?? 0) / (jpegRate ?? 1),
    };
    console.log(`[video] ${JSON.stringify(figures)}`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, '..', 'web-video-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);

    // Each viewer's WebSocket carried its own format only.
    expect(Object.keys(h264Wire.traffic()).filter((name) => name === 'Video' || name === 'Frames')).toEqual(['Video']);
    expect(Object.keys(jpegWire.traffic()).filter((name) => name === 'Video' || name === 'Frames')).toEqual(['Frames']);
    expect(h264Rate).toBeGreaterThan(0);
    expect(h264Rate).toBeLessThan(jpegRate ?? 0);
  });

  it('"Force JPEG" switches this browser to JPEG, and is remembered after a reload', async () => {
    const { page, wire } = await viewer();
    await waitForStage(page, (data) => data.painted >= 1 && data.format === 'h264', 'H.264 pictures');
    const force = page.getByRole('checkbox', { name: 'Force JPEG' });
    await force.check();
    await waitForStage(page, (data) => data.format === 'jpeg', 'the switch to JPEG');
    await waitForNewFrame(page);
    // On the wire: every `video` subscription was stopped, and `frames` results came.
    await expect.poll(() => {
      const video = wire.traffic()['Video'];
      return video !== undefined && video.completed === video.subscribed;
    }, WIRE).toBe(true);
    await expect.poll(() => wire.traffic()['Frames']?.results ?? 0, WIRE).toBeGreaterThan(0);

    await page.reload();
    await waitForStage(page, (data) => data.painted >= 1 && data.format === 'jpeg', 'JPEG pictures after the reload');
    expect(await page.getByRole('checkbox', { name: 'Force JPEG' }).isChecked()).toBe(true);
    const beforeUncheck = wire.traffic();
    await page.getByRole('checkbox', { name: 'Force JPEG' }).uncheck();
    await waitForStage(page, (data) => data.format === 'h264', 'H.264 again');
    await waitForNewFrame(page);
    // On the wire, since the uncheck: a new `video` subscription with results, and the `frames` one stopped.
    await expect.poll(() => wire.traffic()['Video']?.subscribed ?? 0, WIRE).toBeGreaterThan(beforeUncheck['Video']?.subscribed ?? 0);
    await expect.poll(() => wire.traffic()['Video']?.results ?? 0, WIRE).toBeGreaterThan(beforeUncheck['Video']?.results ?? 0);
    await expect.poll(() => wire.traffic()['Frames']?.completed ?? 0, WIRE).toBeGreaterThan(beforeUncheck['Frames']?.completed ?? 0);
  });
});
