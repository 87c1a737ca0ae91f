/**
 * Capture → paint in Chromium (issue 15's target: p50 ≤ 80 ms): one
 * servercam process serving the built web app (`ServerUnderTest` with
 * `uiDir`), and Chromium (playwright-core, the system's binary) opening the
 * live view twice, one page after the other so that they do not compete:
 * H.264 through WebCodecs, then "Force JPEG". Each page turns on the UI's
 * paint probe before it loads (apps/web/src/lib/video/paint-probe.ts): one
 * sample per picture drawn, from `capturedAt` (the server's capture stamp) to
 * - the end of the rendering update that drew it (style, layout, paint and
 *   the commit to the compositor): "capture → paint", the target's figure;
 * - just after `drawImage` on the canvas, in the `requestAnimationFrame`
 *   callback: what the overlay shows as "Latency", a few ms less;
 * on the page's clock (the same machine's as the server's). After a warm-up,
 * the samples of a window give p50 and p99, with the 1-minute load average. Without a Chromium the scenario is skipped loudly and recorded
 * (an error with SERVERCAM_REQUIRE_CHROMIUM=1).
 * @module
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, localChromium } from '../../packages/testing/src/chromium-system.mjs';
import { runOrSkip } from '../../packages/testing/src/requirements.mjs';
import { ServerUnderTest, sleep } from './harness.ts';
import { quantile } from './proc.ts';

/** The UI's paint probe global (PAINT_PROBE in apps/web/src/lib/video/paint-probe.ts). */
const PAINT_PROBE = '__servercamPaints';
/** The UI's "Force JPEG" localStorage key (FORCE_JPEG_KEY in apps/web/src/lib/video/live-format.svelte.ts). */
const FORCE_JPEG_KEY = 'servercam.forceJpeg';

export type PaintFormat = 'h264' | 'jpeg';

export interface PaintLatencyOptions {
  /** The camera: a source (`synthetic:1280x720@30`), its fps and `quality`. */
  readonly source: string;
  readonly fps: number;
  readonly quality: number;
  /** The built web app (apps/web/build/). */
  readonly uiDir: string;
  /** After the first picture, before the window. */
  readonly warmupSeconds: number;
  /** The window per format. */
  readonly seconds: number;
}

/** One format's window. */
export interface PaintRow {
  readonly format: PaintFormat;
  /** Pictures painted in the window. */
  readonly count: number;
  /** Pictures painted a second. */
  readonly paintedFps: number;
  /** Frames the camera captured a second in the window (below the camera's fps: the machine was saturated). */
  readonly capturedFps: number;
  /** Capture → paint (the end of the rendering update that drew the picture), ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Capture → just after `drawImage` (the overlay's "Latency"), ms. */
  readonly drawn: { readonly p50: number; readonly p99: number };
  /** The 1-minute (5, 15) load average when the window started. */
  readonly load: readonly number[];
}

export interface PaintLatencyReport {
  readonly source: string;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** The Chromium that painted (`browser.version()`), or null when skipped. */
  readonly browser: string | null;
  readonly rows: PaintRow[];
  /** Why the scenario did not run (no Chromium), or null. */
  readonly skipped: string | null;
  readonly errors: string[];
}

/** What the bench reads of the UI's PaintSample. */
interface Sample {
  readonly format: PaintFormat;
  readonly capturedAt: string;
  /** Capture → just after `drawImage`. */
  readonly latencyMs: number;
  /** The end of the rendering update (null when it was still under way as the samples were read). */
  readonly renderedAt: number | null;
}

/** Takes the samples the page's probe holds (and empties it). */
function drain(page: Page): Promise<Sample[]> {
  return page.evaluate((key) => {
    const samples = (globalThis as unknown as Record<string, Sample[] | undefined>)[key];
    return samples ? samples.splice(0) : [];
  }, PAINT_PROBE);
}

/** Opens the live view with the paint probe on (and "Force JPEG" chosen for `jpeg`), measures one window. */
async function measure(browser: Browser, server: ServerUnderTest, format: PaintFormat, options: PaintLatencyOptions): Promise<PaintRow> {
  const captured = async (): Promise<number> => (await server.stats()).cameras.reduce((total, camera) => total + camera.captured, 0);
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, colorScheme: 'dark' });
  try {
    await context.addInitScript(
      ({ probe, forceKey, force }) => {
        (globalThis as unknown as Record<string, unknown>)[probe] = [];
        if (force) (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem(forceKey, 'true');
      },
      { probe: PAINT_PROBE, forceKey: FORCE_JPEG_KEY, force: format === 'jpeg' },
    );
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    // The first pictures of the format asked for (H.264 starts its encoder, and falls back to JPEG where it cannot play).
    const deadline = Date.now() + 20_000;
    const seen: Record<PaintFormat, number> = { h264: 0, jpeg: 0 };
    while (seen[format] < 3) {
      if (Date.now() > deadline) {
        throw new Error(`the ${format} live view painted ${seen[format]} pictures in 20 s (${seen.h264 + seen.jpeg - seen[format]} of the other format)${pageErrors.length ? `; page errors: ${pageErrors.slice(0, 3).join('; ')}` : ''}`);
      }
      await sleep(200);
      for (const sample of await drain(page)) seen[sample.format]++;
    }
    await sleep(options.warmupSeconds * 1000);
    await drain(page);
    const load = loadavg();
    const captured0 = await captured();
    await sleep(options.seconds * 1000);
    const samples = await drain(page);
    const capturedFps = ((await captured()) - captured0) / options.seconds;
    const other = samples.filter((sample) => sample.format !== format).length;
    if (other > 0) throw new Error(`the ${format} live view painted ${other} pictures as ${format === 'h264' ? 'JPEG' : 'H.264'} in the window`);
    const drawn = samples.map((sample) => sample.latencyMs).filter(Number.isFinite);
    const painted = samples.map((sample) => (sample.renderedAt === null ? Number.NaN : sample.renderedAt - Date.parse(sample.capturedAt))).filter(Number.isFinite);
    if (painted.length === 0) throw new Error(`the ${format} live view painted no picture in the ${options.seconds} s window`);
    return {
      format,
      count: painted.length,
      paintedFps: painted.length / options.seconds,
      capturedFps,
      p50: quantile(painted, 0.5),
      p99: quantile(painted, 0.99),
      max: Math.max(...painted),
      drawn: { p50: quantile(drawn, 0.5), p99: quantile(drawn, 0.99) },
      load,
    };
  } finally {
    await context.close();
  }
}

/** Runs the scenario (or skips it loudly without a Chromium); failures are in `errors`. */
export async function runPaintLatency(options: PaintLatencyOptions, log: (line: string) => void): Promise<PaintLatencyReport> {
  const base = { source: options.source, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
  const binary = localChromium();
  const reason = 'no Chromium (SERVERCAM_CHROMIUM, CHROMIUM_PATH, /usr/bin/chromium…)';
  const enable = 'apt-get install chromium';
  // A loud notice, recorded for the test command's summary; SERVERCAM_REQUIRE_CHROMIUM=1 makes it an error.
  const group = 'The Chromium capture → paint figure of the video benchmark (@servercam/bench)';
  if (!runOrSkip({ group, available: binary !== null, reason, enable, requiredBy: 'SERVERCAM_REQUIRE_CHROMIUM' }) || !binary) {
    return { ...base, browser: null, rows: [], skipped: `${reason}; \`${enable}\` enables it`, errors: [] };
  }
  if (!existsSync(join(options.uiDir, 'index.html'))) {
    return { ...base, browser: null, rows: [], skipped: null, errors: [`the web app is not built (${options.uiDir}index.html): run pnpm --filter @servercam/web build`] };
  }
  const errors: string[] = [];
  const rows: PaintRow[] = [];
  const server = await ServerUnderTest.start({ kind: 'servercam', source: options.source, fps: options.fps, quality: options.quality, uiDir: options.uiDir });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: binary.path, args: [...CHROMIUM_FLAGS], headless: true });
    const version = browser.version();
    for (const format of ['h264', 'jpeg'] as const) {
      try {
        const row = await measure(browser, server, format, options);
        log(`capture → paint in Chromium ${version}, ${format === 'h264' ? 'H.264 (WebCodecs)' : 'Force JPEG'}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, max ${row.max.toFixed(1)} ms over ${row.count} pictures; at drawImage p50 ${row.drawn.p50.toFixed(1)} ms, p99 ${row.drawn.p99.toFixed(1)} ms (${row.paintedFps.toFixed(1)} painted/s, camera ${row.capturedFps.toFixed(1)} fps) (load ${row.load[0]!.toFixed(2)})`);
        rows.push(row);
      } catch (error) {
        errors.push(`${format}: ${(error as Error).message}`);
      }
    }
    return { ...base, browser: version, rows, skipped: null, errors };
  } catch (error) {
    errors.push((error as Error).message);
    return { ...base, browser: null, rows, skipped: null, errors };
  } finally {
    await browser?.close();
    await server.close();
  }
}
