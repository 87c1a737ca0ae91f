/**
 * One behaviour suite, run against both frame buses: the in-process bus
 * (`servercam serve`) and the Redis bus (a gateway fed by a capture node
 * through a real redis-server). Real sockets throughout.
 */
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameBus } from '../src/bus/bus.ts';
import { CaptureServer } from '../src/roles/capture.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { createServer, type Servercam, silentLogger } from '../src/index.ts';
import { closeAll, httpRequest, mjpegParts, next, openMjpeg, sseEvents, until, wsClient, wsRequest, wsSubscribe } from './helpers/clients.ts';
import { fromBase64, jpegSize, tempDir } from './helpers/media.ts';
import { annexB, probe } from './helpers/h264.ts';
import type { VideoChunk } from '@servercam/core';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const CAMERAS = [
  { id: 'front', label: 'Front door', source: 'synthetic:320x240' },
  { id: 'back', label: 'Back yard', source: 'synthetic:160x120' },
];

interface Setup {
  readonly url: string;
  readonly wsUrl: string;
  /** The server's frame bus: the core's stream, or the gateway's `RedisFrameBus`. */
  readonly bus: FrameBus;
  close(): Promise<void>;
}

async function inProcess(): Promise<Setup> {
  const server = createServer({ cameras: CAMERAS, fps: 10, uiDir: false, logger: silentLogger(), host: '127.0.0.1', port: 0 });
  const { url } = await server.listen();
  return { url, wsUrl: `${url.replace(/^http/, 'ws')}/graphql`, bus: server.stream, close: () => server.close() };
}

async function throughRedis(): Promise<Setup> {
  const redis: RedisProcess = await startRedis();
  const capture = new CaptureServer({ redisUrl: redis.url, cameras: CAMERAS, fps: 10, isolation: 'worker', heartbeatMs: 200, port: 0, logger: silentLogger() });
  await capture.listen();
  const gateway: Servercam = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, logger: silentLogger() });
  const { url } = await gateway.listen();
  await until(() => gateway.stream.cameras.length === 2 && gateway.stream.cameras.every((camera) => camera.status !== 'error'), 'the gateway to see the cameras');
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    bus: gateway.stream,
    close: async () => {
      await gateway.close();
      await capture.close();
      await redis.stop();
    },
  };
}

const buses: Array<[string, () => Promise<Setup>]> = [['in-process bus', inProcess]];
if (hasRedis) buses.push(['Redis bus (gateway + capture node)', throughRedis]);

describe.each(buses)('server behaviour over the %s', (_name, make) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await make();
  });
  afterAll(async () => {
    await closeAll();
    await setup?.close();
  });

  it('lists the configured cameras with their labels', async () => {
    const result = await httpRequest<{ cameras: Array<{ id: string; label: string }> }>(setup.url, '{ cameras { id label } }');
    expect(result.data?.cameras).toEqual([{ id: 'front', label: 'Front door' }, { id: 'back', label: 'Back yard' }]);
  });

  it('streams frames over graphql-ws with increasing seq and JPEGs of the asked width', async () => {
    const frames = wsSubscribe<{ frames: { seq: number; width: number; data: string } }>(wsClient(setup.wsUrl), 'subscription { frames(cameraId: "front", maxWidth: 160) { seq width data } }');
    const seen = [await next(frames), await next(frames), await next(frames)].map((result) => result.data!.frames);
    await frames.return?.();
    expect(seen[1]!.seq).toBeGreaterThan(seen[0]!.seq);
    expect(seen[2]!.seq).toBeGreaterThan(seen[1]!.seq);
    expect(jpegSize(fromBase64(seen[2]!.data)).width).toBe(160);
  });

  it('streams frames over SSE', async () => {
    const events = sseEvents(setup.url, 'subscription { frames(cameraId: "back") { cameraId seq } }');
    let frame: { cameraId: string } | undefined;
    for await (const event of events) {
      if (event.event !== 'next') continue;
      frame = (JSON.parse(event.data) as { data: { frames: { cameraId: string } } }).data.frames;
      break;
    }
    expect(frame?.cameraId).toBe('back');
  });

  it('a mutation by one client is seen by a streamSettings subscriber on another', async () => {
    const settings = wsSubscribe<{ streamSettings: { fps: number } }>(wsClient(setup.wsUrl), 'subscription { streamSettings { fps } }');
    const pending = settings.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await wsRequest<{ updateStream: { fps: number } }>(wsClient(setup.wsUrl), 'mutation { updateStream(input: { fps: 8 }) { fps } }');
    expect(result.data?.updateStream.fps).toBe(8);
    let value = (await pending).value;
    while (value?.data?.streamSettings.fps !== 8) value = await next(settings, 5000, 'fps 8');
    expect(value.data?.streamSettings.fps).toBe(8);
    await settings.return?.();
  });

  it('refuses invalid settings with BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const before = await httpRequest<{ stream: unknown }>(setup.url, '{ stream { fps quality paused activeCameraId } }');
    const result = await httpRequest(setup.url, 'mutation { updateStream(input: { fps: 5, activeCameraId: "nope" }) { fps } }');
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/activeCameraId/);
    const after = await httpRequest<{ stream: unknown }>(setup.url, '{ stream { fps quality paused activeCameraId } }');
    expect(after.data).toEqual(before.data);
  });

  it('frames without cameraId follow the active camera as it changes', async () => {
    const frames = wsSubscribe<{ frames: { cameraId: string } }>(wsClient(setup.wsUrl), 'subscription { frames { cameraId } }');
    expect((await next(frames)).data?.frames.cameraId).toBe('front');
    await httpRequest(setup.url, 'mutation { updateStream(input: { activeCameraId: "back" }) { activeCameraId } }');
    let cameraId = '';
    while (cameraId !== 'back') cameraId = (await next(frames, 5000, 'a frame of "back"')).data!.frames.cameraId;
    expect(cameraId).toBe('back');
    await frames.return?.();
    await httpRequest(setup.url, 'mutation { updateStream(input: { activeCameraId: "front" }) { activeCameraId } }');
  });

  it('serves a snapshot as a JPEG, and 404 for an unknown camera', async () => {
    const snapshot = await fetch(`${setup.url}/cameras/back/snapshot.jpg`);
    expect(snapshot.status).toBe(200);
    expect(jpegSize(new Uint8Array(await snapshot.arrayBuffer()))).toEqual({ width: 160, height: 120 });
    expect((await fetch(`${setup.url}/cameras/nope/snapshot.jpg`)).status).toBe(404);
  });

  it('streams MJPEG parts with their seq', async () => {
    const response = await openMjpeg(`${setup.url}/cameras/front/stream.mjpeg`);
    const parts = mjpegParts(response);
    const first = (await parts.next()).value!;
    const second = (await parts.next()).value!;
    await parts.return(undefined);
    expect(Number(second.headers['x-frame-seq'])).toBeGreaterThan(Number(first.headers['x-frame-seq']));
    expect(jpegSize(second.data)).toEqual({ width: 320, height: 240 });
  });

  it('video(): a reader starts at a keyframe with its avcC, in seq order, and subscribeVideo gets the same chunks', async () => {
    const controller = new AbortController();
    const chunks = setup.bus.video({ cameraId: 'front', signal: controller.signal });
    const heard: VideoChunk[] = [];
    const off = setup.bus.subscribeVideo({ cameraId: 'front' }, (chunk) => void heard.push(chunk));
    try {
      const read = [await next(chunks, 15_000, 'a chunk'), await next(chunks), await next(chunks)];
      expect(read[0]).toMatchObject({ cameraId: 'front', keyframe: true, width: 320, height: 240, description: expect.any(Uint8Array) });
      expect(read.map((chunk) => chunk.seq)).toEqual([read[0]!.seq, read[0]!.seq + 1, read[0]!.seq + 2]);
      await until(() => heard.some((chunk) => chunk.seq === read[2]!.seq), 'the listener to hear the same chunks');
      expect(heard[0]!.keyframe).toBe(true);
    } finally {
      off();
      controller.abort();
      await chunks.return?.();
    }
  });

  it('streams H.264 over graphql-ws from a keyframe, and its chunks decode with ffprobe into as many frames', async () => {
    const query = 'subscription { video(cameraId: "front") { seq keyframe codec description width height data capturedAt cameraId } }';
    const video = wsSubscribe<{ video: { keyframe: boolean; description: string | null; data: string; seq: number } }>(wsClient(setup.wsUrl), query);
    const chunks: VideoChunk[] = [];
    while (chunks.length < 30) {
      const chunk = (await next(video, 15_000, 'a video chunk')).data!.video;
      chunks.push({ ...chunk, cameraId: 'front', capturedAt: 0, codec: '', width: 320, height: 240, variant: 'full', data: Buffer.from(chunk.data, 'base64'), description: chunk.description === null ? undefined : Buffer.from(chunk.description, 'base64') });
    }
    await video.return?.();
    expect(chunks[0]).toMatchObject({ keyframe: true, description: expect.any(Uint8Array) });
    const path = join(tempDir, `bus-${setup.bus.health?.().kind ?? 'in-process'}.h264`);
    writeFileSync(path, annexB(chunks));
    expect(probe(path, 'h264')).toMatchObject({ codec: 'h264', width: 320, frames: 30, errors: '' });
  });

  it('a status or settings listener that throws stops neither the other listeners nor the bus', async () => {
    const bugs = new Set(['a bug in a settings listener', 'a bug in a status listener']);
    // The bus rethrows a listener's error asynchronously, where the process reports it (process-guard.ts); caught here to check it.
    const thrown: string[] = [];
    const onUncaught = (error: unknown): void => void thrown.push(error instanceof Error ? error.message : String(error));
    process.on('uncaughtException', onUncaught);
    const offs: Array<() => void> = [];
    try {
      const seen = { settings: 0, status: 0 };
      offs.push(setup.bus.on('settings', () => {
        throw new Error('a bug in a settings listener');
      }));
      offs.push(setup.bus.on('status', () => {
        throw new Error('a bug in a status listener');
      }));
      offs.push(setup.bus.on('settings', (settings) => void (settings.fps === 7 && seen.settings++)));
      offs.push(setup.bus.on('status', () => void seen.status++));
      const result = await httpRequest<{ updateStream: { fps: number } }>(setup.url, 'mutation { updateStream(input: { fps: 7 }) { fps } }');
      expect(result.data?.updateStream.fps).toBe(7);
      await until(() => seen.settings > 0, 'the second settings listener to see fps 7');
      // A new subscriber is a status event (its camera's consumer count), and its frames still flow.
      const frames = wsSubscribe<{ frames: { cameraId: string } }>(wsClient(setup.wsUrl), 'subscription { frames(cameraId: "back") { cameraId } }');
      expect((await next(frames)).data?.frames.cameraId).toBe('back');
      await frames.return?.();
      await until(() => seen.status > 0 && thrown.includes('a bug in a status listener'), 'the second status listener, and the first one\'s error');
      expect(thrown).toContain('a bug in a settings listener');
      expect(thrown.filter((message) => !bugs.has(message))).toEqual([]);
      expect(setup.bus.health?.().badMessages?.total ?? 0).toBe(0);
    } finally {
      for (const off of offs) off();
      process.off('uncaughtException', onUncaught);
    }
  });
});
