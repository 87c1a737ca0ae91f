import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { CHROMIUM_FLAGS, findChromium } from '../src/chromium.ts';

it('falls back to the Chromium @sparticuz/chromium ships, which renders a page and decodes H.264 with WebCodecs', async () => {
  const binary = await findChromium({ env: {}, system: [] });
  expect(binary.source).toBe('npm');
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>ok</title><h1>servercam</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: binary.path, args: [...CHROMIUM_FLAGS], headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(await page.textContent('h1')).toBe('servercam');
    const h264 = await page.evaluate(async () => {
      type Decoders = { VideoDecoder: { isConfigSupported(config: { codec: string }): Promise<{ supported?: boolean }> } };
      const support = await (globalThis as unknown as Decoders).VideoDecoder.isConfigSupported({ codec: 'avc1.42E01E' });
      return support.supported === true;
    });
    expect(h264).toBe(true);
  } finally {
    await browser.close();
    server.close();
  }
}, 120_000);

it('prefers the env variable to the system and npm ones', async () => {
  expect(await findChromium({ env: { SERVERCAM_CHROMIUM: '/opt/chrome' }, system: ['/usr/bin/sh'] })).toEqual({ path: '/opt/chrome', source: 'env' });
  expect(await findChromium({ env: {}, system: ['/nonexistent', '/usr/bin/sh'] })).toEqual({ path: '/usr/bin/sh', source: 'system' });
});
