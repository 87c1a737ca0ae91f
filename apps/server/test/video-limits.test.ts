/**
 * The config's video limits reach the core: `limits.maxVideoVariantsPerCamera`
 * caps the H.264 encoders a camera runs, and `limits.videoGopBytes` bounds the
 * cached GOP (a late joiner whose GOP outgrew it waits for the next keyframe).
 * Each server is started from a config file (`serve` in this process; a
 * capture node and a gateway as real processes on a real redis-server), on the
 * real encoder (ffmpeg's libx264), watched over graphql-ws on real sockets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cameraStats, type CliProcess, freePort, startCli } from '@servercam/testing';
import { loadConfigFile } from '../src/index.ts';
import { closeAll, next, type Result, startServer, wsClient, wsSubscribe } from './helpers/clients.ts';
import { fromBase64, tempDir } from './helpers/media.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

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

/** A config file in the temp directory. */
function configFile(name: string, config: Record<string, unknown>): string {
  const file = join(tempDir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** A server started from a config file holding `limits`. */
async function serveWithLimits(name: string, limits: Record<string, number>) {
  return startServer(await loadConfigFile(configFile(name, { fps: 15, cameras: [{ id: 'cam', source: 'synthetic:320x240@15' }], limits })));
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

/** A late joiner's first chunk, and the early viewer's last before it joined (not a keyframe). */
async function lateJoiner(wsUrl: string): Promise<{ first: WireChunk; had: WireChunk; joined: WireChunk }> {
  const client = wsClient(wsUrl);
  const early = wsSubscribe<{ video: WireChunk }>(client, VIDEO, {});
  const first = await chunk(early, 'the first chunk of the early viewer');
  // Read into the GOP, to a chunk that is not a keyframe: the GOP a cache would hold has begun before it.
  let had = first;
  for (let read = 1; read < 5 || had.keyframe; read++) had = await chunk(early, 'a chunk of the early viewer');
  const late = wsSubscribe<{ video: WireChunk }>(client, VIDEO, {});
  const joined = await chunk(late, 'the late joiner\'s first chunk');
  return { first, had, joined };
}

it('limits.videoGopBytes: 1024 keeps no GOP, so a late joiner waits for the next keyframe', async () => {
  const running = await serveWithLimits('small-gop', { videoGopBytes: 1024 });
  const { first, had, joined } = await lateJoiner(running.wsUrl);
  expect(first.keyframe).toBe(true);
  // A keyframe is more than the bound, so no GOP was cached.
  expect(fromBase64(first.data).byteLength).toBeGreaterThan(1024);
  // Not the keyframe of the GOP being played (a cached one would be at or before `had`): the next one.
  expect(joined).toMatchObject({ keyframe: true, description: expect.any(String) });
  expect(joined.seq).toBeGreaterThan(had.seq);
});

(hasRedis ? describe : describe.skip)('through Redis: servercam capture and gateway, each with its config file', () => {
  let redis: RedisProcess | undefined;
  const children: CliProcess[] = [];
  let gatewayWs = '';

  afterAll(async () => {
    await closeAll();
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    await redis?.stop();
  });

  /** The capture node caps the encoders; the gateway bounds its own GOP cache. Started once, for both tests. */
  async function started(): Promise<string> {
    if (gatewayWs) return gatewayWs;
    redis = await startRedis();
    const [capturePort, gatewayPort] = [await freePort(), await freePort()];
    const capture = configFile('capture-limits', { fps: 15, cameras: [{ id: 'cam', source: 'synthetic:320x240@15' }], isolation: 'worker', limits: { maxVideoVariantsPerCamera: 1 } });
    const gateway = configFile('gateway-limits', { limits: { videoGopBytes: 1024 } });
    children.push(await startCli(['capture', '--redis', redis.url, '--port', String(capturePort), '--config', capture, '--log-level', 'warn'], `http://127.0.0.1:${capturePort}`));
    const base = `http://127.0.0.1:${gatewayPort}`;
    children.push(await startCli(['gateway', '--redis', redis.url, '--port', String(gatewayPort), '--config', gateway, '--log-level', 'warn'], base, {
      // 200 once its camera, from the capture node, is up.
      ready: (status) => status === 200,
    }));
    gatewayWs = `${base.replace(/^http/, 'ws')}/graphql`;
    return gatewayWs;
  }

  it('the capture node\'s limits.maxVideoVariantsPerCamera: 1 gives a second width the first one\'s chunks', async () => {
    const client = wsClient(await started());
    const full = wsSubscribe<{ video: WireChunk }>(client, VIDEO, {});
    expect((await chunk(full, 'a full-size chunk')).width).toBe(320);
    const small = wsSubscribe<{ video: WireChunk }>(client, VIDEO, { maxWidth: 160 });
    expect(await chunk(small, 'a chunk for maxWidth 160')).toMatchObject({ width: 320, keyframe: true });
  }, 90_000);

  it('the gateway\'s limits.videoGopBytes: 1024 makes its late joiner wait for the next keyframe', async () => {
    const { had, joined } = await lateJoiner(await started());
    expect(joined).toMatchObject({ keyframe: true, description: expect.any(String) });
    expect(joined.seq).toBeGreaterThan(had.seq);
  }, 90_000);
});
