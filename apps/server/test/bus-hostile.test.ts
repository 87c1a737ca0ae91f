/**
 * A hostile Redis: malformed messages of every kind, published with the real
 * `redis-cli` on a real redis-server, to a real capture node and gateway.
 * After each one, both still answer /healthz, a frame subscription through the
 * gateway goes on, and the bad-message count of that kind has risen.
 */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureServer } from '../src/roles/capture.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { type Servercam, silentLogger } from '../src/index.ts';
import { closeAll, next, type Result, until, wsClient, wsRequest, wsSubscribe } from './helpers/clients.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const REDIS_CLI = process.env['SERVERCAM_REDIS_CLI'] ?? '/usr/bin/redis-cli';
const CAMERAS = [
  { id: 'a', label: 'Camera A', source: 'synthetic:160x120' },
  { id: 'b', label: 'Camera B', source: 'synthetic:160x120' },
];
const FRAMES = 'subscription($cameraId: ID) { frames(cameraId: $cameraId) { cameraId seq } }';
type FrameResult = Result<{ frames: { cameraId: string; seq: number } }>;

interface Health {
  status: string;
  cameras: Array<{ id: string; status: string }>;
  bus?: { badMessages?: { total: number; byKind: Record<string, number> } };
}

let redis: RedisProcess;
let capture: CaptureServer;
let captureUrl: string;
let gateway: Servercam;
let gatewayUrl: string;
let frames: AsyncIterableIterator<FrameResult>;
let lastSeq = 0;
const warnings: Array<{ kind?: string; msg: string }> = [];

/** PUBLISH (or another command) through the real redis-cli; the payload goes byte for byte through stdin (-x). */
function redisCli(args: string[], payload: string | Buffer): string {
  const result = spawnSync(REDIS_CLI, ['-p', String(redis.port), '-x', ...args], { input: payload, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

async function health(url: string): Promise<Health> {
  const response = await fetch(`${url}/healthz`);
  expect(response.status).toBe(200);
  return (await response.json()) as Health;
}

async function badCount(url: string, kind: string): Promise<number> {
  return (await health(url)).bus?.badMessages?.byKind[kind] ?? 0;
}

/** A frame message: "SCF", version, header length (u16 BE), header, body. */
function scf(header: string | Buffer, body: Buffer, options: { version?: number; length?: number } = {}): Buffer {
  const head = Buffer.isBuffer(header) ? header : Buffer.from(header, 'utf8');
  const prefix = Buffer.from([0x53, 0x43, 0x46, options.version ?? 1, 0, 0]);
  prefix.writeUInt16BE(options.length ?? head.byteLength, 4);
  return Buffer.concat([prefix, head, body]);
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
const goodHeader = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ cameraId: 'a', seq: 1, capturedAt: 1, width: 160, height: 120, variant: 'full', fps: 10, ...overrides });
const camera = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'a', label: 'A', status: 'live', width: 160, height: 120, measuredFps: 10, consumers: 0, motion: false, ...overrides,
});
const settings = { paused: false, fps: 10, quality: 80, activeCameraId: 'a' };
const state = (overrides: Record<string, unknown> = {}): string => JSON.stringify({ type: 'state', node: 'n', at: Date.now(), settings, cameras: [camera()], ...overrides });
const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));

/** After a bad message: its count rose, both roles answer, and the good stream goes on. */
async function survives(url: string, kind: string, before: number): Promise<void> {
  await until(async () => (await badCount(url, kind)) > before, `the ${kind} bad-message count to rise`);
  for (const role of [captureUrl, gatewayUrl]) expect((await health(role)).status).toBe('ok');
  let seq = lastSeq;
  while (seq <= lastSeq) seq = (await next(frames, 10_000, 'a frame after the bad message')).data!.frames.seq;
  lastSeq = seq;
}

const describeRedis = hasRedis ? describe : describe.skip;

describeRedis('a hostile Redis: malformed bus messages are counted and survived', () => {
  beforeAll(async () => {
    redis = await startRedis();
    capture = new CaptureServer({ redisUrl: redis.url, cameras: CAMERAS, fps: 10, isolation: 'worker', heartbeatMs: 200, port: 0, logger: silentLogger() });
    captureUrl = (await capture.listen()).url;
    const lines = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const line = JSON.parse(chunk.toString()) as { kind?: string; msg: string };
        if (line.msg.includes('bad')) warnings.push(line);
        done();
      },
    });
    gateway = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, captureTimeoutMs: 1500, badMessageLogIntervalMs: 3_600_000, logger: pino({ level: 'warn' }, lines) });
    gatewayUrl = (await gateway.listen()).url;
    await until(async () => (await health(gatewayUrl)).cameras.length === 2, 'the gateway to see the cameras');
    frames = wsSubscribe<FrameResult['data']>(wsClient(`${gatewayUrl.replace(/^http/, 'ws')}/graphql`), FRAMES, { cameraId: 'a' }) as never;
    lastSeq = (await next(frames, 10_000, 'a first frame')).data!.frames.seq;
  });

  afterAll(async () => {
    await frames?.return?.();
    await closeAll();
    await gateway?.close();
    await capture?.close();
    await redis?.stop();
  });

  const stateCases: Array<[string, string | Buffer]> = [
    ['cameras {} (the issue\'s crash)', '{"type":"state","cameras":{}}'],
    ['cameras [null] (the issue\'s crash)', '{"type":"state","cameras":[null]}'],
    ['no settings', JSON.stringify({ type: 'state', node: 'n', at: 1, cameras: [camera()] })],
    ['no cameras', state({ cameras: [] })],
    ['a camera without an id', state({ cameras: [camera({ id: undefined })] })],
    ['paused "yes"', state({ settings: { ...settings, paused: 'yes' } })],
    ['quality 1000', state({ settings: { ...settings, quality: 1000 } })],
    ['a camera id with a slash', state({ cameras: [camera({ id: '../x' })] })],
    ['an unknown status', state({ cameras: [camera({ status: 'exploded' })] })],
    ['an error that is a string', state({ cameras: [camera({ status: 'error', error: 'boom' })] })],
    ['the active camera is not one of the cameras', state({ settings: { ...settings, activeCameraId: 'zzz' } })],
    ['a camera twice', state({ cameras: [camera(), camera()] })],
    ['a label of 5000 characters', state({ cameras: [camera({ label: 'x'.repeat(5000) })] })],
    ['huge: 2 MB', state({ cameras: [camera({ label: 'x'.repeat(2 * 1024 * 1024) })] })],
    ['deeply nested arrays', `{"type":"state","cameras":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['an unknown type', '{"type":"bogus","cameras":[]}'],
    ['null', 'null'],
    ['a number', '42'],
    ['a JSON string', '"state"'],
    ['an empty message', ''],
    ['not JSON', '{{{ not json'],
    ['binary junk', junk],
  ];
  it.each(stateCases)('state channel: %s', async (_name, payload) => {
    const before = await badCount(gatewayUrl, 'state');
    redisCli(['PUBLISH', 'servercam:state'], payload);
    await survives(gatewayUrl, 'state', before);
    expect((await health(gatewayUrl)).cameras.map((c) => c.id)).toEqual(['a', 'b']);
  });

  const frameCases: Array<[string, Buffer]> = [
    ['a null header (the issue\'s crash)', scf('null', JPEG)],
    ['a header that is not JSON', scf('{"cameraId":', JPEG)],
    ['a header with wrong types', scf(goodHeader({ seq: 'x', width: -5 }), JPEG)],
    ['a header without cameraId', scf(goodHeader({ cameraId: undefined }), JPEG)],
    ['a header of another camera than its channel\'s', scf(goodHeader({ cameraId: 'b' }), JPEG)],
    ['a header of another variant than its channel\'s', scf(goodHeader({ variant: 'w320' }), JPEG)],
    ['a truncated header (its length says more)', scf(goodHeader(), Buffer.alloc(0), { length: 500 })],
    ['a header over 1 KiB', scf(' '.repeat(2000) + goodHeader(), JPEG)],
    ['no JPEG after the header', scf(goodHeader(), Buffer.from('hello'))],
    ['another format version', scf(goodHeader(), JPEG, { version: 9 })],
    ['no SCF magic', Buffer.from('PNG!not a frame')],
    ['an empty message', Buffer.alloc(0)],
    ['binary junk', junk],
  ];
  it.each(frameCases)('frame channel: %s', async (_name, payload) => {
    const before = await badCount(gatewayUrl, 'frame');
    redisCli(['PUBLISH', 'servercam:frame:a:full'], payload);
    await survives(gatewayUrl, 'frame', before);
  });

  const replyCases: Array<[string, string | Buffer]> = [
    ['null', 'null'],
    ['an id that is an object', '{"type":"reply","id":{"x":1}}'],
    ['settings of the wrong shape', '{"type":"reply","id":"x","settings":{"paused":1}}'],
    ['an error code in lower case', '{"type":"reply","id":"x","error":{"code":"evil code","message":"m"}}'],
    ['an unknown type', '{"type":"state"}'],
    ['not JSON', '<<<'],
    ['binary junk', junk],
  ];
  it.each(replyCases)('reply channel: %s', async (_name, payload) => {
    const [channel] = redisCli(['PUBSUB', 'CHANNELS'], 'servercam:reply:*').split('\n');
    expect(channel).toMatch(/^servercam:reply:/);
    const before = await badCount(gatewayUrl, 'reply');
    redisCli(['PUBLISH', channel!], payload);
    await survives(gatewayUrl, 'reply', before);
  });

  const commandCases: Array<[string, string | Buffer]> = [
    ['null', 'null'],
    ['a null patch', '{"type":"update","id":"c1","gateway":"g","patch":null}'],
    ['a patch with an unknown field', '{"type":"update","id":"c1","gateway":"g","patch":{"evil":1}}'],
    ['a patch with paused "yes"', '{"type":"update","id":"c1","gateway":"g","patch":{"paused":"yes"}}'],
    ['a gateway id that would name another channel', '{"type":"update","id":"c1","gateway":"x:state","patch":{}}'],
    ['no id', '{"type":"update","gateway":"g","patch":{}}'],
    ['huge: 20 KB', JSON.stringify({ type: 'update', id: 'c1', gateway: 'g', patch: {}, pad: 'x'.repeat(20_000) })],
    ['an unknown type', '{"type":"delete","id":"c1","gateway":"g","patch":{}}'],
    ['not JSON', 'update!'],
    ['binary junk', junk],
  ];
  it.each(commandCases)('capture node, command channel: %s', async (_name, payload) => {
    const before = await badCount(captureUrl, 'command');
    redisCli(['PUBLISH', 'servercam:command'], payload);
    await survives(captureUrl, 'command', before);
  });

  const demandCases: Array<[string, string | Buffer]> = [
    ['cameras [null]', '{"type":"demand","gateway":"g","ttlMs":1000,"cameras":[null]}'],
    ['a variant of the wrong type', '{"type":"demand","gateway":"g","ttlMs":1000,"cameras":{"a":[{"maxWidth":"x"}]}}'],
    ['a variant width out of range', '{"type":"demand","gateway":"g","ttlMs":1000,"cameras":{"a":[{"maxWidth":1e9}]}}'],
    ['a ttl that is a string', '{"type":"demand","gateway":"g","ttlMs":"long","cameras":{}}'],
    ['2000 cameras', JSON.stringify({ type: 'demand', gateway: 'g', ttlMs: 1000, cameras: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`c${i}`, []])) })],
    ['an unknown type', '{"type":"update","gateway":"g","ttlMs":1000,"cameras":{}}'],
    ['null', 'null'],
    ['not JSON', 'demand?'],
    ['binary junk', junk],
  ];
  it.each(demandCases)('capture node, demand channel: %s', async (_name, payload) => {
    const before = await badCount(captureUrl, 'demand');
    redisCli(['PUBLISH', 'servercam:demand'], payload);
    await survives(captureUrl, 'demand', before);
  });

  it('after all that, a mutation through the gateway still reaches the capture node', async () => {
    const result = await wsRequest<{ updateStream: { quality: number } }>(
      wsClient(`${gatewayUrl.replace(/^http/, 'ws')}/graphql`),
      'mutation { updateStream(input: { quality: 71 }) { quality } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateStream.quality).toBe(71);
  });

  it('bad messages are logged once per kind and interval, not once each', () => {
    // Dozens of bad state messages above, one warning for them (the interval here is an hour); likewise frames and replies.
    expect(warnings.filter((line) => line.kind === 'state')).toHaveLength(1);
    expect(warnings.filter((line) => line.kind === 'frame')).toHaveLength(1);
    expect(warnings.filter((line) => line.kind === 'reply')).toHaveLength(1);
  });

  it('a junk state kept in Redis (read at start) is counted, not thrown', async () => {
    redisCli(['SET', 'lonely:state'], '{"type":"state","cameras":{}}');
    const lonely = createGateway({ redisUrl: redis.url, redisPrefix: 'lonely', host: '127.0.0.1', port: 0, uiDir: false, logger: silentLogger() });
    try {
      const { url } = await lonely.listen();
      await until(async () => (await badCount(url, 'state')) > 0, 'the stored state to be counted');
      expect((await health(url)).status).toBe('ok');
    } finally {
      await lonely.close();
    }
  });
});
