/**
 * The console in Debian's Chromium against a real `servercam serve` with a
 * synthetic camera, a camera reading a video file through OpenCV, and a camera
 * whose file is missing.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  canvasSize,
  launch,
  openViewer,
  pageShot,
  pictureShot,
  stage,
  waitForNewFrame,
  waitForStage,
  waitForStill,
} from './helpers/browser.ts';
import { streamSettings, updateStream } from './helpers/graphql.ts';
import { makeVideo } from '@servercam/testing';
import { tempDir, type TempDir } from './helpers/media.ts';
import { requireOrSkipOpenCv } from './helpers/opencv.ts';
import { README_SCREENSHOT, SCREENSHOTS } from './helpers/paths.ts';
import { serve, type RunningServer } from './helpers/server.ts';

const FPS = 12;
const DEFAULTS = { paused: false, fps: FPS, activeCameraId: 'synth', quality: 80 } as const;

let dir: TempDir;
let server: RunningServer;
let browser: Browser;
/** The second camera: a video file through OpenCV, or a smaller synthetic one without OpenCV. */
let second: { id: string; label: string; width: number; height: number };
const pages: Page[] = [];

beforeAll(async () => {
  const opencv = requireOrSkipOpenCv();
  dir = tempDir();
  const secondSource = opencv ? makeVideo({ width: 640, height: 360, fps: 25, seconds: 5, dir: dir.path }) : 'synthetic:640x360';
  second = { id: opencv ? 'file' : 'small', label: opencv ? 'file' : 'small', width: 640, height: 360 };
  [server, browser] = await Promise.all([
    serve({
      fps: FPS,
      cameras: ['synth=synthetic:1280x720', `${second.id}=${secondSource}`, `broken=${join(dir.path, 'missing.mp4')}`],
    }),
    launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  dir?.[Symbol.dispose]();
});

async function viewer(path = '/', options: Parameters<typeof openViewer>[2] = {}): Promise<Page> {
  const page = await openViewer(browser, server.url + path, options);
  pages.push(page);
  return page;
}

afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
  await updateStream(server.url, DEFAULTS);
});

describe('live view', () => {
  it('shows frames that change over time: two screenshots differ', async () => {
    const page = await viewer();
    await waitForStage(page, (data) => data.painted >= 2 && data.camera === 'synth', 'the first frames');
    const first = await pictureShot(page, 'live-1');
    await waitForNewFrame(page);
    const second = await pictureShot(page, 'live-2');
    expect(second.equals(first)).toBe(false);

    // The README's picture: the whole console, live, with its figures.
    await waitForStage(page, (data) => data.painted >= 10 && data.notice === '', 'a steady stream');
    await page.waitForTimeout(1_000);
    await pageShot(page, 'console');
    mkdirSync(dirname(README_SCREENSHOT), { recursive: true });
    copyFileSync(join(SCREENSHOTS, 'console.png'), README_SCREENSHOT);
  });

  it('shows the camera label and the figures in the overlay', async () => {
    const page = await viewer();
    await waitForStage(page, (data) => data.painted >= 3, 'frames');
    await page.waitForTimeout(600);
    const figures = stage(page).getByRole('definition');
    await expect.poll(() => figures.nth(1).textContent()).toMatch(/^[1-9]\d*\.\d fps$/);
    await expect.poll(() => figures.nth(2).textContent()).toMatch(/^-?\d+ ms$/);
    expect(await stage(page).locator('.label').textContent()).toBe('synth');
  });

  it('stops changing while paused and changes again after resuming', async () => {
    const page = await viewer();
    await waitForStage(page, (data) => data.painted >= 2, 'the first frames');
    const paused = page.getByRole('switch', { name: 'Paused' });
    await paused.check();
    await waitForStage(page, (data) => data.notice === 'paused', 'the paused notice');
    await waitForStill(page);
    const first = await pictureShot(page, 'paused-1');
    await page.waitForTimeout(1_500);
    const second = await pictureShot(page, 'paused-2');
    expect(second.equals(first)).toBe(true);

    await paused.uncheck();
    await waitForNewFrame(page);
    await waitForNewFrame(page);
    const resumed = await pictureShot(page, 'resumed');
    expect(resumed.equals(second)).toBe(false);
  });

  it('switches camera: the picture changes size', async () => {
    const page = await viewer();
    await waitForStage(page, (data) => data.painted >= 1 && data.camera === 'synth', 'a frame of synth');
    expect(await canvasSize(page)).toEqual({ width: 1280, height: 720 });
    const before = await pictureShot(page, 'camera-synth');

    await page.getByRole('combobox', { name: 'Camera' }).selectOption(second.id);
    await waitForStage(page, (data) => data.camera === second.id && data.painted >= 1, `a frame of ${second.id}`);
    await waitForNewFrame(page, second.id);
    expect(await canvasSize(page)).toEqual({ width: second.width, height: second.height });
    const after = await pictureShot(page, `camera-${second.id}`);
    expect(after.equals(before)).toBe(false);
    expect((await streamSettings(server.url)).activeCameraId).toBe(second.id);
  });

  it('scales with the window and goes fullscreen', async () => {
    const page = await viewer('/', { width: 1024, height: 640 });
    await waitForStage(page, (data) => data.painted >= 1, 'a frame');
    const small = await stage(page).boundingBox();
    await page.setViewportSize({ width: 1600, height: 900 });
    await expect.poll(async () => (await stage(page).boundingBox())?.width).toBeGreaterThan((small?.width ?? 0) + 400);
    expect((await stage(page).boundingBox())?.height).toBeGreaterThan((small?.height ?? 0) + 200);

    const button = stage(page).getByRole('button', { name: 'Fullscreen' });
    await button.click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.getAttribute('aria-label'))).toBe('Live view');
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
    await button.click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement === null)).toBe(true);
  });

  it('lists each camera with its status in the Camera select', async () => {
    const page = await viewer();
    const options = page.getByRole('combobox', { name: 'Camera' }).getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual(['synth — live', expect.stringMatching(new RegExp(`^${second.label} — `)), 'broken — error']);
  });

  it("shows a camera's error message with a retrying hint", async () => {
    const page = await viewer();
    await waitForStage(page, (data) => data.painted >= 1, 'a frame');
    await page.getByRole('combobox', { name: 'Camera' }).selectOption('broken');
    const alert = stage(page).getByRole('alert');
    await alert.waitFor();
    await expect.poll(() => alert.textContent()).toContain('missing.mp4');
    expect(await alert.textContent()).toMatch(/retrying/i);
    await pageShot(page, 'camera-error');
  });

  it('downloads the current JPEG with Snapshot', async () => {
    const page = await viewer();
    await waitForStage(page, (data) => data.painted >= 1, 'a frame');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Snapshot' }).click()]);
    const path = join(SCREENSHOTS, 'snapshot.jpg');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await download.saveAs(path);
    const bytes = readFileSync(path);
    expect(download.suggestedFilename()).toMatch(/^servercam-synth-.*\.jpg$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect([...bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
  });
});

describe('shared settings', () => {
  it("a second viewer (another browser context) follows the first one's changes", async () => {
    const [first, other] = await Promise.all([viewer(), viewer()]);
    await Promise.all([first, other].map((page) => waitForStage(page, (data) => data.painted >= 1, 'a frame')));

    await first.getByRole('switch', { name: 'Paused' }).check();
    await expect.poll(() => other.getByRole('switch', { name: 'Paused' }).isChecked()).toBe(true);
    await waitForStage(other, (data) => data.notice === 'paused', 'the paused notice in the other viewer');

    const fps = first.getByRole('spinbutton', { name: 'FPS' });
    await fps.fill('5');
    await fps.press('Enter');
    await expect.poll(() => other.getByRole('spinbutton', { name: 'FPS' }).inputValue()).toBe('5');

    await first.getByRole('slider', { name: 'Quality' }).fill('42');
    await expect.poll(() => other.getByRole('slider', { name: 'Quality' }).inputValue()).toBe('42');

    await first.getByRole('switch', { name: 'Paused' }).uncheck();
    await first.getByRole('combobox', { name: 'Camera' }).selectOption(second.id);
    await expect.poll(() => other.getByRole('combobox', { name: 'Camera' }).inputValue()).toBe(second.id);
    await waitForStage(other, (data) => data.camera === second.id, `the other viewer's picture of ${second.id}`);
  });

  it("shows the server's message next to a rejected control and keeps the server's value", async () => {
    const page = await viewer();
    const fps = page.getByRole('spinbutton', { name: 'FPS' });
    await expect.poll(() => fps.inputValue()).toBe(String(FPS));
    await fps.fill('-1');
    await fps.press('Enter');
    await expect.poll(() => fps.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await fps.getAttribute('aria-describedby'))?.split(' ') ?? [];
    const message = page.locator(`[id="${describedBy.at(-1)}"]`);
    expect(await message.getAttribute('role')).toBe('alert');
    expect((await message.textContent())?.toLowerCase()).toContain('fps');
    await expect.poll(() => fps.inputValue()).toBe(String(FPS));
    expect((await streamSettings(server.url)).fps).toBe(FPS);
    await pageShot(page, 'rejected-fps');
  });
});

describe('camera grid', () => {
  it('shows every camera as a live tile with its status and last error', async () => {
    const page = await viewer('/cameras', { colorScheme: 'light' });
    const tiles = page.locator('article[data-camera]');
    await expect.poll(() => tiles.count()).toBe(3);
    const broken = page.locator('article[data-camera="broken"]');
    // Without OpenCV a file source cannot open at all: the error says what to install.
    const code = second.id === 'file' ? 'CANNOT_OPEN_CAMERA' : 'BACKEND_UNAVAILABLE';
    await expect.poll(() => broken.getByRole('alert').textContent()).toMatch(new RegExp(`${code}.*missing\\.mp4`, 's'));
    expect(await broken.textContent()).toMatch(/retrying/i);
    // The live tiles draw frames: their canvases take the (reduced) frame size.
    const synthCanvas = page.locator('article[data-camera="synth"] canvas');
    await expect.poll(() => synthCanvas.evaluate((canvas) => (canvas as HTMLCanvasElement).width), { timeout: 20_000 }).toBe(320);
    await pageShot(page, 'camera-grid');
  });

  it('makes a camera active when its tile is clicked', async () => {
    const page = await viewer('/cameras');
    await page.getByRole('button', { name: `Make ${second.label} the active camera` }).click();
    await expect.poll(async () => (await streamSettings(server.url)).activeCameraId).toBe(second.id);
    await expect.poll(() => page.getByRole('button', { name: `${second.label} (active camera)` }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('link', { name: 'Live' }).click();
    await waitForStage(page, (data) => data.camera === second.id && data.painted >= 1, `the live view of ${second.id}`);
  });

  it('lays out on a phone-sized screen', async () => {
    const page = await viewer('/', { width: 390, height: 844, colorScheme: 'light' });
    await waitForStage(page, (data) => data.painted >= 1, 'a frame');
    const box = await stage(page).boundingBox();
    expect(box?.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await pageShot(page, 'phone');
  });
});
