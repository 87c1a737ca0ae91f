/**
 * The events page in Debian's Chromium against a real `servercam serve` whose
 * camera detects motion in a generated video (a square crossing still colour
 * bars, looping): the live view's motion indicator, a toast, the timeline,
 * thumbnails and playback of the recorded clip, seeking included.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMotionVideo } from '@servercam/testing';
import { launch, openViewer, pageShot } from './helpers/browser.ts';
import { requireOrSkipOpenCv } from './helpers/opencv.ts';
import { tempDir, type TempDir } from './helpers/media.ts';
import { serve, type RunningServer } from './helpers/server.ts';

let dir: TempDir;
let server: RunningServer;
let browser: Browser;
const pages: Page[] = [];

/** The camera reads a video file through OpenCV: without it these tests are skipped, loudly. */
const opencv = requireOrSkipOpenCv();

beforeAll(async () => {
  if (!opencv) return;
  dir = tempDir();
  const config = join(dir.path, 'servercam.json');
  writeFileSync(config, JSON.stringify({
    fps: 0,
    dataDir: 'data',
    events: { preRollSeconds: 1 },
    cameras: [{ id: 'yard', label: 'Yard', source: makeMotionVideo({ seconds: 5, moveFrom: 1, moveTo: 3, dir: dir.path }), motion: { engine: 'pure', quietSeconds: 0.8, minArea: 0.004 } }],
  }));
  [server, browser] = await Promise.all([serve({ cameras: [], config }), launch()]);
});

afterAll(async () => {
  for (const page of pages) await page.context().close();
  await browser?.close();
  await server?.stop();
  dir?.[Symbol.dispose]();
});

async function open(path: string): Promise<Page> {
  const page = await openViewer(browser, server.url + path);
  pages.push(page);
  return page;
}

describe.skipIf(!opencv)('motion events in the browser', () => {
  it('the live view shows when motion is seen, and a toast announces the event', async () => {
    const page = await open('/');
    const indicator = page.getByRole('status', { name: /Motion detected|No motion/ });
    await expect.poll(() => indicator.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => indicator.getAttribute('data-motion'), { timeout: 20_000 }).toBe('true');
    const toast = page.getByRole('log', { name: 'Motion alerts' }).getByRole('link', { name: /Motion on Yard/ });
    await expect.poll(() => toast.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => indicator.getAttribute('data-motion'), { timeout: 20_000 }).toBe('false');
  });

  it('the events page shows a timeline, thumbnails, and plays the clip with seeking', async () => {
    const page = await open('/events');
    await expect.poll(() => page.getByRole('heading', { name: 'Events' }).count()).toBe(1);
    const timeline = page.getByRole('group', { name: 'Timeline of Yard' });
    await expect.poll(() => timeline.getByRole('button', { name: /^Event at / }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const list = page.getByRole('region', { name: 'Event list' });
    // A finished event with a saved clip: its card says "ready".
    const ready = list.locator('.card', { hasText: 'ready' }).first();
    await expect.poll(() => ready.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => ready.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(640);
    await ready.click();
    const player = page.getByRole('region', { name: 'Event playback' });
    const video = player.locator('video');
    await expect.poll(() => video.count(), { timeout: 10_000 }).toBe(1);
    // The browser reads the clip's metadata (byte ranges from the server) and seeks in it.
    await expect.poll(() => video.evaluate((element) => (element as HTMLVideoElement).readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const duration = await video.evaluate((element) => (element as HTMLVideoElement).duration);
    expect(duration).toBeGreaterThan(1.5);
    const seeked = await video.evaluate(
      (element, to) =>
        new Promise<number>((resolve) => {
          const media = element as HTMLVideoElement;
          media.pause();
          media.addEventListener('seeked', () => resolve(media.currentTime), { once: true });
          media.currentTime = to;
        }),
      duration / 2,
    );
    expect(Math.abs(seeked - duration / 2)).toBeLessThan(0.5);
    await pageShot(page, 'events');
  });

  it('a toast links to its event on the events page', async () => {
    const page = await open('/');
    const toast = page.getByRole('log', { name: 'Motion alerts' }).getByRole('link', { name: /Motion on Yard/ }).first();
    await expect.poll(() => toast.count(), { timeout: 20_000 }).toBe(1);
    const id = await toast.evaluate((link) => new URL((link as HTMLAnchorElement).href).searchParams.get('event'));
    await toast.click();
    await expect.poll(() => page.url()).toContain('/events?event=');
    await expect.poll(() => page.getByRole('region', { name: 'Event playback' }).getAttribute('data-event'), { timeout: 15_000 }).toBe(id);
  });
});
