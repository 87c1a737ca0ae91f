/**
 * Killing the server and starting it again leads back to live video in the
 * same page, without a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, openViewer, pageShot, pictureShot, stage, waitForNewFrame, waitForStage } from './helpers/browser.ts';
import { freePort } from '@servercam/testing';
import { serve, type RunningServer } from './helpers/server.ts';

const CAMERAS = ['synth=synthetic:960x540'];
let server: RunningServer | undefined;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const port = await freePort();
  [server, browser] = await Promise.all([serve({ port, fps: 10, cameras: CAMERAS }), launch()]);
  page = await openViewer(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('resumes live video by itself after the server is killed and restarted', async () => {
  const running = server!;
  await waitForStage(page, (data) => data.painted >= 2, 'the first frames');
  await page.evaluate(() => Object.assign(window, { servercamNoReload: 'still the same document' }));

  await running.stop('SIGKILL');
  server = undefined;
  const banner = page.getByRole('alert').filter({ hasText: 'Server unreachable' }).first();
  await banner.waitFor({ timeout: 20_000 });
  await waitForStage(page, (data) => data.notice === 'offline', 'the offline notice');
  expect(await page.getByRole('switch', { name: 'Paused' }).isDisabled()).toBe(true);
  await pageShot(page, 'server-unreachable');

  server = await serve({ port: running.port, fps: 10, cameras: CAMERAS });
  await waitForStage(page, (data) => data.notice === '', 'the notice to clear', 30_000);
  await waitForNewFrame(page);
  const first = await pictureShot(page, 'reconnected-1');
  await waitForNewFrame(page);
  const second = await pictureShot(page, 'reconnected-2');
  expect(second.equals(first)).toBe(false);
  expect(await page.evaluate(() => (window as { servercamNoReload?: string }).servercamNoReload)).toBe('still the same document');
  expect(await page.getByRole('switch', { name: 'Paused' }).isDisabled()).toBe(false);
  expect(await stage(page).getAttribute('data-camera')).toBe('synth');
});
