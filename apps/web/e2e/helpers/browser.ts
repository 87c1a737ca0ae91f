/**
 * Debian's Chromium through playwright-core, and what the tests read off the
 * live view. Each launch gets a fresh temporary profile (user data dir) from
 * playwright-core, removed when the browser closes.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHROMIUM_FLAGS, chromiumBinary } from '@servercam/testing';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { SCREENSHOTS } from './paths.ts';

/**
 * Debian's Chromium where the system has it, else the one `@sparticuz/chromium` ships (see @servercam/testing),
 * with the common flags plus `extraArgs` (e.g. `--host-resolver-rules=...`).
 */
export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  const binary = await chromiumBinary();
  return chromium.launch({ executablePath: binary.path, args: [...CHROMIUM_FLAGS, ...extraArgs], headless: true });
}

export interface ViewerOptions {
  colorScheme?: 'light' | 'dark';
  width?: number;
  height?: number;
  /** Runs before the page loads (init scripts, listeners). */
  before?: (context: BrowserContext, page: Page) => Promise<void> | void;
}

/** A page in a new context (its own cookies and storage: another viewer). */
export async function openViewer(browser: Browser, url: string, options: ViewerOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 760 },
    colorScheme: options.colorScheme ?? 'dark',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await options.before?.(context, page);
  await page.goto(url);
  return page;
}

export const stage = (page: Page): Locator => page.getByRole('region', { name: 'Live view' });

/** What the live view reports in its data attributes. */
export interface StageData {
  seq: number | null;
  camera: string;
  painted: number;
  received: number;
  notice: string;
  /** What the live view plays: `h264` or `jpeg`. */
  format: string;
}

export async function stageData(page: Page): Promise<StageData> {
  const data = await stage(page).evaluate((element) => ({ ...(element as HTMLElement).dataset }));
  return {
    seq: data['seq'] ? Number(data['seq']) : null,
    camera: data['camera'] ?? '',
    painted: Number(data['painted'] ?? 0),
    received: Number(data['received'] ?? 0),
    notice: data['notice'] ?? '',
    format: data['format'] ?? '',
  };
}

/** Waits until `predicate` holds for the live view's data. */
export async function waitForStage(page: Page, predicate: (data: StageData) => boolean, what: string, timeoutMs = 30_000): Promise<StageData> {
  const deadline = Date.now() + timeoutMs;
  let last = await stageData(page);
  while (!predicate(last)) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the live view reports ${JSON.stringify(last)}`);
    await sleep(100);
    last = await stageData(page);
  }
  return last;
}

/** Waits for a frame newer than the one on screen now (of `camera`, when given). */
export async function waitForNewFrame(page: Page, camera?: string): Promise<StageData> {
  const before = await stageData(page);
  return waitForStage(
    page,
    (data) => data.seq !== null && data.seq !== before.seq && data.painted > before.painted && (camera === undefined || data.camera === camera),
    `a new frame${camera ? ` of ${camera}` : ''}`,
  );
}

/** Waits until no new frame has been drawn for `quietMs`. */
export async function waitForStill(page: Page, quietMs = 1_200): Promise<StageData> {
  const deadline = Date.now() + 20_000;
  let last = await stageData(page);
  for (;;) {
    await sleep(quietMs);
    const now = await stageData(page);
    if (now.painted === last.painted) return now;
    if (Date.now() > deadline) throw new Error(`Frames kept coming: ${JSON.stringify(now)}`);
    last = now;
  }
}

/** Hides what changes on its own (figures, notices) so a screenshot shows only the picture. */
const PICTURE_ONLY = '.top, .stats, .notice { visibility: hidden !important; }';

/** A screenshot of the picture in the live view, saved under artifacts/screenshots/. */
export async function pictureShot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return stage(page).screenshot({ path: join(SCREENSHOTS, `${name}.png`), style: PICTURE_ONLY, animations: 'disabled' });
}

/** A screenshot of the whole page, saved under artifacts/screenshots/. */
export async function pageShot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The size of the frame the canvas holds. */
export async function canvasSize(page: Page): Promise<{ width: number; height: number }> {
  return stage(page)
    .locator('canvas')
    .evaluate((canvas) => ({ width: (canvas as HTMLCanvasElement).width, height: (canvas as HTMLCanvasElement).height }));
}
