/**
 * A hostile Redis on the H.264 channels: malformed video messages published
 * with the real `redis-cli` on a real redis-server to a real gateway fed by a
 * real capture node. After each one, the gateway answers /healthz, its `video`
 * subscriber goes on, and the `video` bad-message count has risen. Then the
 * capture node's encoder error, as a well-formed message, reaches the
 * subscriber as a GraphQL error with its code.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureServer } from '../src/roles/capture.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { encodeVideoError } from '../src/bus/redis-video-protocol.ts';
import { type Servercam, silentLogger } from '../src/index.ts';
import { closeAll, next, type Result, until, wsClient, wsSubscribe } from './helpers/clients.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const REDIS_CLI = process.env['SERVERCAM_REDIS_CLI'] ?? '/usr/bin/redis-cli';
const CHANNEL = 'servercam:video:a:h264:full';
const VIDEO = 'subscription { video(cameraId: "a") { seq keyframe } }';
type VideoResult = Result<{ video: { seq: number; keyframe: boolean } }>;

let redis: RedisProcess;
let capture: CaptureServer;
let gateway: Servercam;
let gatewayUrl: string;
let video: AsyncIterableIterator<VideoResult>;
let lastSeq = 0;

function publish(payload: Buffer | string): void {
  const result = spawnSync(REDIS_CLI, ['-p', String(redis.port), '-x', 'PUBLISH', CHANNEL], { input: payload });
  if (result.status !== 0) throw new Error(`redis-cli failed: ${result.stderr}`);
}

async function badVideo(): Promise<number> {
  const health = (await (await fetch(`${gatewayUrl}/healthz`)).json()) as { bus?: { badMessages?: { byKind: Record<string, number> } } };
  return health.bus?.badMessages?.byKind['video'] ?? 0;
}

function scv(header: Record<string, unknown> | string, body: Buffer = Buffer.alloc(0), version = 1): Buffer {
  const head = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.from([0x53, 0x43, 0x56, version, 0, 0]);
  prefix.writeUInt16BE(head.byteLength, 4);
  return Buffer.concat([prefix, head, body]);
}
const header = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'chunk', cameraId: 'a', stream: 'evil', n: 1, seq: 1, capturedAt: 1, keyframe: true, codec: 'avc1.42E01E', width: 160, height: 120, variant: 'h264:full', descriptionBytes: 0, ...overrides,
});
const UNIT = Buffer.from([0, 0, 0, 2, 0x65, 0x88]);

const describeRedis = hasRedis ? describe : describe.skip;

describeRedis('a hostile Redis on the video channels', () => {
  beforeAll(async () => {
    redis = await startRedis();
    capture = new CaptureServer({ redisUrl: redis.url, cameras: [{ id: 'a', source: 'synthetic:160x120' }], fps: 10, isolation: 'worker', heartbeatMs: 200, port: 0, logger: silentLogger() });
    await capture.listen();
    gateway = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, badMessageLogIntervalMs: 3_600_000, logger: silentLogger() });
    gatewayUrl = (await gateway.listen()).url;
    await until(() => gateway.stream.cameras.length === 1, 'the gateway to see the camera');
    video = wsSubscribe<VideoResult['data']>(wsClient(`${gatewayUrl.replace(/^http/, 'ws')}/graphql`), VIDEO) as never;
    const first = await next(video, 15_000, 'a first chunk');
    expect(first.data?.video.keyframe).toBe(true);
    lastSeq = first.data!.video.seq;
  });

  afterAll(async () => {
    await video?.return?.();
    await closeAll();
    await gateway?.close();
    await capture?.close();
    await redis?.stop();
  });

  const cases: Array<[string, Buffer | string]> = [
    ['a null header', scv('null', UNIT)],
    ['a header that is not JSON', scv('{"kind":', UNIT)],
    ['another camera than its channel\'s', scv(header({ cameraId: 'b' }), UNIT)],
    ['a codec with markup', scv(header({ codec: '<script>' }), UNIT)],
    ['NAL lengths past the end', scv(header(), Buffer.from([0, 0, 0, 200, 0x65]))],
    ['an avcC of version 7', scv(header({ descriptionBytes: 7 }), Buffer.concat([Buffer.from([7, 66, 0, 30, 0xff, 0xe1, 0]), UNIT]))],
    ['another format version', scv(header(), UNIT, 9)],
    ['a JPEG frame', Buffer.concat([Buffer.from('SCF\x01\x00\x02{}', 'latin1'), Buffer.from([0xff, 0xd8, 0xff, 0xd9])])],
    ['text', 'hello'],
    ['binary junk', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
  ];
  it.each(cases)('%s: counted, and the video goes on', async (_name, payload) => {
    const before = await badVideo();
    publish(payload);
    await until(async () => (await badVideo()) > before, 'the video bad-message count to rise');
    expect((await fetch(`${gatewayUrl}/healthz`)).status).toBe(200);
    let seq = lastSeq;
    while (seq <= lastSeq) {
      const result = await next(video, 15_000, 'a chunk after the bad message');
      expect(result.errors).toBeUndefined();
      seq = result.data!.video.seq;
    }
    lastSeq = seq;
  });

  it('an encoder error from the capture node ends the subscription with its code', async () => {
    publish(encodeVideoError({ cameraId: 'a', variant: 'h264:full', code: 'VIDEO_ENCODER_UNAVAILABLE', message: 'ffmpeg is not installed' }));
    for (;;) {
      const result = await next(video, 15_000, 'the error');
      if (!result.errors) continue;
      expect(result.errors[0]).toMatchObject({ message: 'ffmpeg is not installed', extensions: { code: 'VIDEO_ENCODER_UNAVAILABLE' } });
      break;
    }
    const end = await video.next();
    expect(end.done).toBe(true);
  });
});
