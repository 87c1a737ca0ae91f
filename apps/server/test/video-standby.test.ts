/**
 * The config's `videoStandby` reaches the core: by default the active camera
 * keeps a spare H.264 encoder started ahead, which the first video viewer's
 * variant takes; `videoStandby: false` starts none. Servers started from a
 * config file (`serve`'s path: loadConfigFile, then createServer), on the
 * real encoder, watched over graphql-ws on real sockets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cameraStats } from '@servercam/testing';
import { loadConfigFile } from '../src/index.ts';
import { closeAll, next, type Result, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';
import { tempDir } from './helpers/media.ts';

afterEach(closeAll);

const VIDEO = 'subscription { video(cameraId: "cam") { seq keyframe } }';

async function serveWith(name: string, extra: Record<string, unknown>) {
  const file = join(tempDir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ fps: 15, cameras: [{ id: 'cam', source: 'synthetic:320x240@15' }], ...extra }));
  return startServer(await loadConfigFile(file));
}

it('by default, the first video viewer takes the spare encoder started ahead', async () => {
  const running = await serveWith('standby-default', {});
  const spare = await until(async () => (await cameraStats(running.server.stream)).videoSpare, 'a spare encoder', 15_000);
  const video = wsSubscribe<{ video: { seq: number; keyframe: boolean } }>(wsClient(running.wsUrl), VIDEO);
  const first = (await next(video, 15_000, 'a chunk')) as Result<{ video: { keyframe: boolean } }>;
  expect(first.data?.video.keyframe).toBe(true);
  expect((await cameraStats(running.server.stream)).videoEncoders?.['h264:full']?.pid).toBe(spare);
});

it('videoStandby: false starts no spare encoder', async () => {
  const running = await serveWith('standby-off', { videoStandby: false });
  const from = (await cameraStats(running.server.stream)).captured;
  // Past the 2 s of capture after which a spare starts.
  await until(async () => (await cameraStats(running.server.stream)).captured >= from + 50, '50 frames', 15_000);
  expect((await cameraStats(running.server.stream)).videoSpare).toBeUndefined();
});
