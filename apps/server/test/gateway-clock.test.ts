/**
 * A gateway judges how old its latest frame is by its own clock: the capture
 * node's `capturedAt` is another host's clock, which may be off by seconds. A
 * real gateway on a real redis-server, fed by the test in the capture node's
 * wire format from a "capture node" whose clock runs 10 s ahead (a real
 * capture node cannot be given another clock).
 */
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/bus/redis-protocol.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { type Servercam, silentLogger } from '../src/index.ts';
import { until } from './helpers/clients.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

/** The capture node's clock, against ours. */
const SKEW_MS = 10_000;
/** The gateway asks for the active camera's full size once a second (valueFps): the `f1` channel. */
const CHANNEL = 'servercam:frame:a:f1';

let redis: RedisProcess;
let pub: Redis;
let gateway: Servercam;
let url: string;
let jpeg: Uint8Array;
let heartbeat: NodeJS.Timeout | undefined;

const state = (): string => JSON.stringify({
  type: 'state', node: 'skewed-node', at: Date.now() + SKEW_MS,
  settings: { paused: false, fps: 20, quality: 80, activeCameraId: 'a' },
  cameras: [{ id: 'a', label: 'A', status: 'live', width: 16, height: 16, measuredFps: 20, consumers: 0, motion: false }],
});

/** Publishes frame `seq` on `channel`, stamped by the skewed clock. */
function send(seq: number, channel = CHANNEL): Promise<number> {
  const variant = channel.slice(channel.lastIndexOf(':') + 1);
  const frame = { cameraId: 'a', seq, capturedAt: Date.now() + SKEW_MS, width: 16, height: 16, mimeType: 'image/jpeg' as const, data: jpeg, variant };
  return pub.publish(channel, encodeFrame(frame, 20));
}

const describeRedis = hasRedis ? describe : describe.skip;

describeRedis('a gateway whose capture node\'s clock is 10 s ahead', () => {
  beforeAll(async () => {
    jpeg = new Uint8Array(await sharp({ create: { width: 16, height: 16, channels: 3, background: 'red' } }).jpeg().toBuffer());
    redis = await startRedis();
    pub = new Redis(redis.url, { lazyConnect: false });
    heartbeat = setInterval(() => void pub.publish('servercam:state', state()).catch(() => {}), 200);
    gateway = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, logger: silentLogger() });
    url = (await gateway.listen()).url;
    await until(async () => (await pub.pubsub('NUMSUB', CHANNEL))[1] === 1, 'the gateway to subscribe to the thinned full size');
  });
  afterAll(async () => {
    clearInterval(heartbeat);
    await gateway?.close();
    pub?.disconnect();
    await redis?.stop();
  });

  it('a snapshot does not take a frame that arrived 600 ms ago for a current one: it waits for the next', async () => {
    await send(1);
    await until(() => gateway.stream.latest('a')?.seq === 1, 'the frame on the gateway');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const snapshot = fetch(`${url}/cameras/a/snapshot.jpg`);
    // The snapshot asks for the full size at the full rate: the next frame comes on that channel.
    await until(async () => (await pub.pubsub('NUMSUB', 'servercam:frame:a:full'))[1] === 1, 'the gateway to ask for every frame');
    await send(2, 'servercam:frame:a:full');
    const response = await snapshot;
    expect(response.status).toBe(200);
    expect(response.headers.get('x-frame-seq')).toBe('2');
  });
});
