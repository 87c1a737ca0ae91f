/**
 * `/metrics` of a gateway on a real redis-server: the bus state (Redis
 * connected, the capture node heard and how long ago) and the lag of its
 * frames, parsed by a real Prometheus text parser; the capture node going
 * away shows in them.
 */
import { afterAll, expect, it } from 'vitest';
import { CaptureServer } from '../src/roles/capture.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { silentLogger } from '../src/index.ts';
import { parseMetrics, sample } from './helpers/prometheus.ts';
import { closeAll, mjpegParts, next, openMjpeg, until } from './helpers/clients.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await closeAll();
  for (const close of closers.reverse()) await close().catch(() => {});
});

/** The value of `name`'s sample whose labels include `labels`. */
async function metric(url: string, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  return sample(parseMetrics(await (await fetch(`${url}/metrics`)).text()), name, labels);
}

it.skipIf(!hasRedis)('a gateway reports the bus state, the capture node and the lag of its frames', async () => {
  const redis: RedisProcess = await startRedis();
  closers.push(() => redis.stop());
  const capture = new CaptureServer({ redisUrl: redis.url, cameras: [{ id: 'a', source: 'synthetic:64x48' }], fps: 10, isolation: 'worker', heartbeatMs: 200, port: 0, logger: silentLogger() });
  closers.push(() => capture.close());
  await capture.listen();
  const gateway = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, captureTimeoutMs: 1000, demandTtlMs: 1500, logger: silentLogger() });
  closers.push(() => gateway.close());
  const { url } = await gateway.listen();

  const stream = await openMjpeg(`${url}/cameras/a/stream.mjpeg`);
  const parts = mjpegParts(stream);
  for (let i = 0; i < 3; i++) await next(parts, 10_000, 'an MJPEG part through Redis');
  expect(await metric(url, 'servercam_bus_redis_connected', { bus: 'redis' })).toBe(1);
  expect(await metric(url, 'servercam_bus_capture_node_reachable', { bus: 'redis' })).toBe(1);
  const heard = (await metric(url, 'servercam_bus_capture_node_last_seen_seconds', { bus: 'redis' }))!;
  expect(heard).toBeGreaterThanOrEqual(0);
  expect(await metric(url, 'servercam_camera_frame_age_seconds', { camera: 'a' })).toBeGreaterThanOrEqual(0);
  expect(await metric(url, 'servercam_viewers', { camera: 'a', transport: 'mjpeg' })).toBe(1);

  // The capture node goes away: the gateway stops hearing it, and its last-seen age and the frames' age grow.
  const frameAge = (await metric(url, 'servercam_camera_frame_age_seconds', { camera: 'a' }))!;
  await capture.close();
  await until(async () => (await metric(url, 'servercam_bus_capture_node_reachable', { bus: 'redis' })) === 0, 'the capture node reported unreachable');
  expect(await metric(url, 'servercam_bus_capture_node_last_seen_seconds', { bus: 'redis' })).toBeGreaterThan(heard);
  expect(await metric(url, 'servercam_camera_frame_age_seconds', { camera: 'a' })).toBeGreaterThan(frameAge);
});
