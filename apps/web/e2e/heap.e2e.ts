/**
 * The JS heap stays flat over a minute of streaming, read through the DevTools
 * protocol after forcing garbage collection. The figures measured on the way
 * (fps received, latency, heap) are printed and saved to artifacts/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, openViewer, stage, stageData, waitForStage } from './helpers/browser.ts';
import { SCREENSHOTS } from './helpers/paths.ts';
import { serve, type RunningServer } from './helpers/server.ts';

const MINUTE_MS = 60_000;
/** Heap growth allowed over the minute; a leak of one decoded frame per frame would be hundreds of MB. */
const MAX_GROWTH_BYTES = 2 * 1024 * 1024;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serve({ fps: 30, cameras: ['synth=synthetic:1280x720'] }), launch()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('keeps the JS heap flat over a minute of streaming', { timeout: 150_000 }, async () => {
  const page = await openViewer(browser, server.url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heapUsed = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  };

  // Warm up: the first frames, the overlay's timers, JIT and caches.
  await waitForStage(page, (data) => data.painted >= 30, 'a warm stream');
  await page.waitForTimeout(3_000);
  const start = { heap: await heapUsed(), data: await stageData(page), at: Date.now() };
  const samples: number[] = [start.heap];
  const latencies: number[] = [];
  while (Date.now() - start.at < MINUTE_MS) {
    await page.waitForTimeout(10_000);
    samples.push(await heapUsed());
    const latency = await stage(page).getByRole('definition').nth(2).textContent();
    if (latency) latencies.push(Number.parseFloat(latency));
  }
  const end = { heap: samples.at(-1) ?? 0, data: await stageData(page), at: Date.now() };
  const metrics = await cdp.send('Performance.getMetrics');
  const seconds = (end.at - start.at) / 1000;
  const figures = {
    seconds,
    framesReceived: end.data.received - start.data.received,
    framesPainted: end.data.painted - start.data.painted,
    receivedFps: (end.data.received - start.data.received) / seconds,
    paintedFps: (end.data.painted - start.data.painted) / seconds,
    latencyMs: latencies,
    heapBytes: samples,
    heapGrowthBytes: end.heap - start.heap,
    jsHeapUsedSize: metrics.metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value,
  };
  console.log(`[heap] ${JSON.stringify(figures)}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, '..', 'web-e2e-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);

  expect(figures.framesPainted).toBeGreaterThan(0);
  expect(figures.heapGrowthBytes).toBeLessThan(MAX_GROWTH_BYTES);
});
