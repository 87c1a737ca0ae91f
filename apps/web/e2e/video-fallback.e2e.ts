/**
 * No H.264 encoder on the server (`SERVERCAM_FFMPEG` names no program): the
 * live view in Chromium falls back to JPEG by itself and says why.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, openViewer, pictureShot, waitForNewFrame, waitForStage } from './helpers/browser.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { figure } from './helpers/video.ts';

let server: RunningServer;
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    serve({ fps: 10, cameras: ['synth=synthetic:640x360'], env: { SERVERCAM_FFMPEG: '/nonexistent/servercam-e2e/ffmpeg' } }),
    launch(),
  ]);
});

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  await server?.stop();
});

it('plays JPEG when the server cannot encode H.264, with a notice naming the error', async () => {
  page = await openViewer(browser, server.url);
  const notice = page.getByRole('status').filter({ hasText: 'Playing JPEG' });
  await notice.waitFor({ timeout: 30_000 });
  // The server's message (what to install) and its code, e.g. VIDEO_ENCODER_UNAVAILABLE.
  expect(await notice.textContent()).toMatch(/^Playing JPEG: .*SERVERCAM_FFMPEG.* \([A-Z_]+_UNAVAILABLE\)$/);
  await waitForStage(page, (data) => data.format === 'jpeg' && data.painted >= 1, 'JPEG pictures');
  const first = await pictureShot(page, 'fallback-1');
  await waitForNewFrame(page);
  const second = await pictureShot(page, 'fallback-2');
  expect(second.equals(first)).toBe(false);
  expect(await figure(page, 'Format')).toBe('JPEG');
  expect(await page.getByRole('checkbox', { name: 'Force JPEG' }).isChecked()).toBe(false);
});
