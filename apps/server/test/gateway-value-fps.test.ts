/**
 * Scale-out without a JPEG no one watches: a gateway asks the capture node for
 * the active camera's full size once a second (`valueFps`) while none of its
 * viewers takes it at the full rate, as a single server does (value-fps.test.ts).
 * A real redis-server, a real capture node and real gateways on real sockets.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodesPerFrame } from '@servercam/testing';
import { createGateway } from '../src/roles/gateway.ts';
import { CaptureServer } from '../src/roles/capture.ts';
import { type Servercam, silentLogger } from '../src/index.ts';
import { closeAll, mjpegParts, next, openMjpeg, until, wsClient, wsRequest, wsSubscribe } from './helpers/clients.ts';
import { staleLatest } from './helpers/frames.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const FPS = 20;
const CAMERAS = [
  { id: 'cam', source: `synthetic:320x240@${FPS}` },
  { id: 'other', source: `synthetic:160x120@${FPS}` },
];

let redis: RedisProcess;
let capture: CaptureServer;
let gateway: Servercam;
let gatewayUrl: string;
const extraGateways: Servercam[] = [];

async function startGateway(): Promise<{ server: Servercam; url: string }> {
  const server = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, captureTimeoutMs: 1000, demandTtlMs: 1500, logger: silentLogger() });
  const { url } = await server.listen();
  await until(() => server.stream.cameras.length === CAMERAS.length, 'the gateway to see the cameras');
  return { server, url };
}

/** JPEG encodes per frame captured on the capture node over about `ms` (every variant: the thinned ones share an encode). */
const captureEncodesPerFrame = (ms: number) => encodesPerFrame(capture.stream, ms, 'cam');


const describeRedis = hasRedis ? describe : describe.skip;

describeRedis('a gateway thins the active camera\'s full size (valueFps)', () => {
  beforeAll(async () => {
    redis = await startRedis();
    capture = new CaptureServer({ redisUrl: redis.url, cameras: CAMERAS, fps: FPS, isolation: 'worker', heartbeatMs: 200, port: 0, logger: silentLogger() });
    await capture.listen();
    ({ server: gateway, url: gatewayUrl } = await startGateway());
    await until(() => gateway.stream.latest('cam'), 'a first frame on the gateway');
  });

  afterEach(closeAll);

  afterAll(async () => {
    await closeAll();
    await Promise.all([gateway, ...extraGateways].map((server) => server?.close()));
    await capture?.close();
    await redis?.stop();
  });

  it('an idle gateway costs the capture node a full-size JPEG about once a second, and still gets one', async () => {
    const first = await until(() => gateway.stream.latest('cam'), 'a frame on the gateway');
    const { perFrame, captured } = await captureEncodesPerFrame(4000);
    expect(captured).toBeGreaterThan(30);
    // One encode a second serves both the gateway's `f1` and the capture node's own thinned `value` (4 or 5 in 4 s).
    const perSecond = (perFrame * captured) / 4;
    expect(perSecond).toBeGreaterThan(0.5);
    expect(perSecond).toBeLessThan(1.4);
    expect(gateway.stream.latest('cam')!.seq).toBeGreaterThan(first.seq);
    expect(capture.node.stats().variants).toEqual(['cam:f1']);
  });

  it('an MJPEG viewer of the full size on the gateway makes it every frame on the capture node', async () => {
    const response = await openMjpeg(`${gatewayUrl}/cameras/cam/stream.mjpeg`);
    await until(() => capture.node.stats().variants.includes('cam:full'), 'the capture node to publish the full size');
    const { perFrame, captured } = await captureEncodesPerFrame(1500);
    await response.body?.cancel();
    expect(captured).toBeGreaterThan(10);
    expect(perFrame).toBeGreaterThan(0.8);
  });

  it('an MJPEG viewer at 1 fps and the thinned full size share one channel, and each gets its frames', async () => {
    await until(() => capture.node.stats().variants.join() === 'cam:f1', 'only the thinned full size published');
    const response = await openMjpeg(`${gatewayUrl}/cameras/cam/stream.mjpeg?maxFps=1`);
    const parts = mjpegParts(response);
    const before = gateway.stream.latest('cam')!.seq;
    // The viewer's parts (its own key, `f1`): a first picture, then new frames about once a second.
    const seqs: number[] = [];
    while (seqs.length < 3) seqs.push(Number((await next(parts, 5000, 'an MJPEG part')).headers['x-frame-seq']));
    await parts.return(undefined);
    expect(new Set(seqs).size).toBe(3);
    // And the gateway's latest full size (the key `full`) moved on from the same channel.
    expect(gateway.stream.latest('cam')!.seq).toBeGreaterThan(before);
    expect(capture.node.stats().variants).toEqual(['cam:f1']);
  });

  it('a value listener on the gateway takes the full size every frame, and thinning resumes when it leaves', async () => {
    const seen: number[] = [];
    const off = gateway.stream.on('value', (frame) => void seen.push(frame.seq));
    await until(() => capture.node.stats().variants.includes('cam:full'), 'the capture node to publish the full size');
    const from = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const during = seen.length - from;
    off();
    await until(() => capture.node.stats().variants.join() === 'cam:f1', 'the thinned full size again');
    expect(during).toBeGreaterThan(FPS * 1.5 * 0.6);
  });

  it('a snapshot on the gateway while nothing watches is a new frame, not the once-a-second value', async () => {
    const stale = await staleLatest(gateway.stream);
    const asked = Date.now();
    const response = await fetch(`${gatewayUrl}/cameras/cam/snapshot.jpg`);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('x-frame-seq'))).toBeGreaterThan(stale.seq);
    // A current picture: made about when it was asked for (within two frame intervals), not a second before.
    expect(Date.parse(response.headers.get('x-captured-at')!)).toBeGreaterThan(asked - 150);
  });

  it('an H.264 viewer on the gateway leaves the full size thinned', async () => {
    const video = wsSubscribe<{ video: { seq: number } }>(wsClient(`${gatewayUrl.replace(/^http/, 'ws')}/graphql`), 'subscription { video(cameraId: "cam") { seq } }');
    await next(video, 15_000, 'a first chunk');
    const { perFrame } = await captureEncodesPerFrame(2000);
    expect(perFrame).toBeLessThan(0.25);
    await next(video, 5000, 'another chunk');
  });

  it('a gateway\'s new viewer of a camera that went idle gets a new picture, not the one left from before', async () => {
    const first = mjpegParts(await openMjpeg(`${gatewayUrl}/cameras/other/stream.mjpeg`));
    await next(first, 5000, 'a picture of the other camera');
    await first.return(undefined);
    await until(() => capture.stream.camera('other')?.status === 'idle', 'the other camera to go idle', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const opened = Date.now();
    const parts = mjpegParts(await openMjpeg(`${gatewayUrl}/cameras/other/stream.mjpeg`));
    const part = await next(parts, 5000, 'a picture of the other camera');
    expect(Date.parse(part.headers['x-captured-at']!)).toBeGreaterThanOrEqual(opened - 50);
  });

  describe('while paused', () => {
    /** Applies a settings change through the gateway, as a user would. */
    async function update(input: string): Promise<void> {
      const result = await wsRequest(wsClient(`${gatewayUrl.replace(/^http/, 'ws')}/graphql`), `mutation { updateStream(input: { ${input} }) { paused } }`);
      expect(result.errors).toBeUndefined();
    }

    afterEach(() => update('paused: false, activeCameraId: "cam"'));

    it('a gateway that starts gets the last picture at once', async () => {
      await update('paused: true');
      const last = capture.stream.latest('cam')!;
      const late = await startGateway();
      extraGateways.push(late.server);
      const got = await until(() => late.server.stream.latest('cam'), 'the last picture on the new gateway', 3000);
      expect(got.seq).toBe(last.seq);
    });

    it('a new MJPEG viewer on the gateway gets the last picture once, not again when the capture node republishes it', async () => {
      await update('paused: true');
      await until(() => gateway.stream.latest('cam'), 'a picture on the gateway');
      const response = await openMjpeg(`${gatewayUrl}/cameras/cam/stream.mjpeg`);
      const parts = mjpegParts(response);
      const seqs = [Number((await next(parts, 5000, 'a first picture')).headers['x-frame-seq'])];
      // The gateway now asks for every frame (the \`full\` channel): the capture node answers with its last picture.
      await until(() => capture.node.stats().variants.includes('cam:full'), 'the capture node to publish the full size');
      await next(parts, 1000, 'a second part').then(
        (part) => seqs.push(Number(part.headers['x-frame-seq'])),
        () => {}, // none: what is expected (closeAll ends the stream)
      );
      expect(seqs).toHaveLength(1);
    });

    it('a camera made active whose 1 fps viewer\'s channel the gateway keeps gives the gateway its picture', async () => {
      const response = await openMjpeg(`${gatewayUrl}/cameras/other/stream.mjpeg?maxFps=1`);
      const parts = mjpegParts(response);
      await next(parts, 5000, 'a picture of the other camera');
      await update('paused: true');
      await update('activeCameraId: "other"');
      // The active camera's thinned full size is `f1`, the viewer's channel already: no new demand, nothing republished.
      const got = await until(() => gateway.stream.latest('other'), 'the other camera\'s picture on the gateway', 3000);
      expect(got.cameraId).toBe('other');
      expect((await fetch(`${gatewayUrl}/cameras/other/snapshot.jpg`)).status).toBe(200);
      await parts.return(undefined);
    });
  });
});
