/**
 * The config's video limits reach the core: `limits.maxVideoVariantsPerCamera`
 * caps the H.264 encoders a camera runs, and `limits.videoGopBytes` bounds the
 * cached GOP (a late joiner whose GOP outgrew it waits for the next keyframe).
 * Each server is started from a config parsed as a config file is, on the real
 * encoder (ffmpeg's libx264), watched over graphql-ws on real sockets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cameraStats } from '@servercam/testing';
import { loadConfigFile } from '../src/index.ts';
import { closeAll, next, type Result, startServer, wsClient, wsSubscribe } from './helpers/clients.ts';
import { fromBase64, tempDir } from './helpers/media.ts';

afterEach(closeAll);

interface WireChunk {
  seq: number;
  keyframe: boolean;
  description: string | null;
  width: number;
  data: string;
}
type VideoResult = Result<{ video: WireChunk }>;

const VIDEO = 'subscription($maxWidth: Int) { video(cameraId: "cam", maxWidth: $maxWidth) { seq keyframe description width data } }';

/** A server started from a config file holding `limits`. */
async function serveWithLimits(name: string, limits: Record<string, number>) {
  const file = join(tempDir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ fps: 15, cameras: [{ id: 'cam', source: 'synthetic:320x240@15' }], limits }));
  return startServer(await loadConfigFile(file));
}

async function chunk(video: AsyncIterator<unknown>, what: string): Promise<WireChunk> {
  const result = (await next(video, 15_000, what)) as VideoResult;
  expect(result.errors).toBeUndefined();
  return result.data!.video;
}

it('limits.maxVideoVariantsPerCamera: 1 runs one encoder; a second width shares it', async () => {
  const running = await serveWithLimits('one-video-variant', { maxVideoVariantsPerCamera: 1 });
  const client = wsClient(running.wsUrl);
  const full = wsSubscribe<{ video: WireChunk }>(client, VIDEO, {});
  expect((await chunk(full, 'a full-size chunk')).width).toBe(320);
  const small = wsSubscribe<{ video: WireChunk }>(client, VIDEO, { maxWidth: 160 });
  const shared = await chunk(small, 'a chunk for maxWidth 160');
  const encoders = Object.keys((await cameraStats(running.server.stream)).videoEncoders ?? {});
  // Past the cap the 160-pixel consumer gets the one variant there is, at its real size.
  expect(shared).toMatchObject({ width: 320, keyframe: true });
  expect(encoders).toEqual(['h264:full']);
});

it('limits.videoGopBytes: 1024 keeps no GOP, so a late joiner waits for the next keyframe', async () => {
  const running = await serveWithLimits('small-gop', { videoGopBytes: 1024 });
  const client = wsClient(running.wsUrl);
  const early = wsSubscribe<{ video: WireChunk }>(client, VIDEO, {});
  const first = await chunk(early, 'the first chunk of the early viewer');
  // Read into the GOP, to a chunk that is not a keyframe: the GOP a cache would hold has begun before it.
  let had = first;
  for (let read = 1; read < 5 || had.keyframe; read++) had = await chunk(early, 'a chunk of the early viewer');
  const late = wsSubscribe<{ video: WireChunk }>(client, VIDEO, {});
  const joined = await chunk(late, 'the late joiner\'s first chunk');
  expect(first.keyframe).toBe(true);
  // A keyframe is more than the bound, so no GOP was cached.
  expect(fromBase64(first.data).byteLength).toBeGreaterThan(1024);
  // Not the keyframe of the GOP being played (a cached one would be at or before `had`): the next one.
  expect(joined).toMatchObject({ keyframe: true, description: expect.any(String) });
  expect(joined.seq).toBeGreaterThan(had.seq);
});
