/**
 * `GET /metrics`, parsed by a real Prometheus text-format parser
 * (parse-prometheus-text-format, prom2json's output), against a known run:
 * viewers per transport equal the clients connected, the capture rate is
 * close to the camera's, bytes flowed on every transport used, GraphQL
 * operations and errors are counted. And who may read it: loopback only by
 * default; with a metrics token, that token from anywhere, nothing else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gql } from './helpers/access.ts';
import { type Families, parseMetrics, sample } from './helpers/prometheus.ts';
import { closeAll, httpRequest, mjpegParts, next, openMjpeg, sseEvents, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';

afterEach(closeAll);


const FPS = 10;
const CAMERAS = [{ id: 'cam', source: 'synthetic:64x48' }, { id: 'idle', source: 'synthetic:64x48' }];
const FRAMES = 'subscription { frames(cameraId: "cam") { seq data } }';

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Families> {
  const response = await fetch(`${url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}


describe('/metrics', () => {
  it('reports plausible values for a known run on every transport', async () => {
    const { url, wsUrl } = await startServer({ cameras: [CAMERAS[0]!], fps: FPS });
    // Two MJPEG viewers, one graphql-ws and one SSE subscriber of `cam`, each past its fifth frame.
    const mjpeg = await Promise.all([openMjpeg(`${url}/cameras/cam/stream.mjpeg`), openMjpeg(`${url}/cameras/cam/stream.mjpeg`)]);
    const parts = mjpeg.map((response) => mjpegParts(response));
    const ws = wsSubscribe<{ frames: { seq: number } }>(wsClient(wsUrl), FRAMES);
    const sse = sseEvents(url, FRAMES);
    for (let i = 0; i < 5; i++) {
      for (const part of parts) await next(part, 10_000, 'an MJPEG part');
      await next(ws, 10_000, 'a graphql-ws frame');
      await next(sse, 10_000, 'an SSE frame');
    }
    // GraphQL over HTTP: three queries, one of them refused by validation.
    await httpRequest(url, '{ cameras { id } }');
    await httpRequest(url, '{ stream { fps } }');
    await httpRequest(url, '{ noSuchField }');

    const families = await scrape(url);
    expect(sample(families, 'servercam_viewers', { camera: 'cam', transport: 'mjpeg' })).toBe(2);
    expect(sample(families, 'servercam_viewers', { camera: 'cam', transport: 'graphql-ws' })).toBe(1);
    expect(sample(families, 'servercam_viewers', { camera: 'cam', transport: 'sse' })).toBe(1);
    for (const transport of ['mjpeg', 'graphql-ws', 'sse']) {
      // At least five frames of a 64x48 JPEG (hundreds of bytes each) went out on each.
      expect(sample(families, 'servercam_bytes_sent_total', { camera: 'cam', transport }), transport).toBeGreaterThan(5 * 300);
    }
    const fps = sample(families, 'servercam_camera_capture_fps', { camera: 'cam' })!;
    expect(fps / FPS).toBeGreaterThan(0.5);
    expect(fps / FPS).toBeLessThan(1.5);
    expect(sample(families, 'servercam_camera_up', { camera: 'cam' })).toBe(1);

    // The parser (prom2json's shape) keeps a histogram's buckets, not its labels, count or sum: one camera has one.
    const encode = families.find((entry) => entry.name === 'servercam_camera_encode_ms')!;
    expect(encode.type).toBe('HISTOGRAM');
    const buckets = Object.entries(encode.metrics[0]!.buckets!).map(([le, value]) => [le === '+Inf' ? Infinity : Number(le), Number(value)] as const).sort((a, b) => a[0] - b[0]);
    const encodes = sample(families, 'servercam_camera_encodes_total', { camera: 'cam' })!;
    // One encode a frame serves every subscriber: at least the five frames each client got.
    expect(encodes).toBeGreaterThanOrEqual(5);
    // One snapshot of the capture's stats feeds both, so they agree exactly.
    expect(buckets.at(-1)).toEqual([Infinity, encodes]);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]![1]).toBeGreaterThanOrEqual(buckets[i - 1]![1]);

    expect(sample(families, 'graphql_envelop_request', { operationType: 'query' })).toBe(2);
    expect(sample(families, 'graphql_envelop_error_result', { operationType: 'query', phase: 'validate' })).toBe(1);
    expect(families.find((entry) => entry.name === 'graphql_envelop_request_duration')?.type).toBe('HISTOGRAM');
    expect(families.some((entry) => entry.name.startsWith('servercam_bus_'))).toBe(true);
    expect(sample(families, 'servercam_bus_redis_connected')).toBeUndefined();
    // The live subscriptions: one per GraphQL transport.
    expect(sample(families, 'servercam_subscriptions', { kind: 'frames' })).toBe(2);
  });

  it('counts viewers down as clients leave', async () => {
    const { url } = await startServer({ cameras: CAMERAS, fps: FPS });
    const controllers = [new AbortController(), new AbortController()];
    const streams = await Promise.all(controllers.map((controller) => fetch(`${url}/cameras/cam/stream.mjpeg`, { signal: controller.signal })));
    for (const stream of streams) await next(mjpegParts(stream), 10_000, 'an MJPEG part');
    expect(sample(await scrape(url), 'servercam_viewers', { camera: 'cam', transport: 'mjpeg' })).toBe(2);
    controllers[0]!.abort();
    await until(async () => sample(await scrape(url), 'servercam_viewers', { camera: 'cam', transport: 'mjpeg' }) === 1, 'one viewer left');
    controllers[1]!.abort();
    await until(async () => sample(await scrape(url), 'servercam_viewers', { camera: 'cam', transport: 'mjpeg' }) === 0, 'no viewer left');
  });

  it('counts a stream.mp4 viewer, and the MP4 bytes it was sent', async () => {
    const { url } = await startServer({ cameras: [CAMERAS[0]!], fps: FPS });
    const controller = new AbortController();
    const response = await fetch(`${url}/cameras/cam/stream.mp4`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    try {
      // The init segment and a first fragment: a few hundred bytes at least.
      for (let received = 0; received < 1000;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream.mp4 ended early');
        received += value.byteLength;
      }
      const families = await scrape(url);
      expect(sample(families, 'servercam_viewers', { camera: 'cam', transport: 'mp4' })).toBe(1);
      expect(sample(families, 'servercam_bytes_sent_total', { camera: 'cam', transport: 'mp4' })).toBeGreaterThanOrEqual(1000);
    } finally {
      controller.abort();
      await reader.cancel().catch(() => {});
    }
    await until(async () => sample(await scrape(url), 'servercam_viewers', { camera: 'cam', transport: 'mp4' }) === 0, 'the mp4 viewer to leave');
  });

  it('counts a video subscription as a viewer of its transport, with its H.264 bytes', async () => {
    const { url, wsUrl } = await startServer({ cameras: [CAMERAS[0]!], fps: FPS });
    const video = wsSubscribe<{ video: { seq: number } }>(wsClient(wsUrl), 'subscription { video(cameraId: "cam") { seq data } }');
    for (let i = 0; i < 3; i++) await next(video, 15_000, 'a video chunk');
    const families = await scrape(url);
    expect(sample(families, 'servercam_viewers', { camera: 'cam', transport: 'graphql-ws' })).toBe(1);
    // The keyframe's access unit alone, as base64, is more than a few bytes.
    expect(sample(families, 'servercam_bytes_sent_total', { camera: 'cam', transport: 'graphql-ws' })).toBeGreaterThan(100);
    await video.return?.();
    await until(async () => sample(await scrape(url), 'servercam_viewers', { camera: 'cam', transport: 'graphql-ws' }) === 0, 'the video subscriber to leave');
  });

  it('keeps a registry per app: two servers in one process count apart', async () => {
    const first = await startServer({ cameras: CAMERAS, fps: FPS });
    const second = await startServer({ cameras: CAMERAS, fps: FPS });
    const stream = await openMjpeg(`${first.url}/cameras/cam/stream.mjpeg`);
    await next(mjpegParts(stream), 10_000, 'an MJPEG part');
    await httpRequest(first.url, '{ cameras { id } }');
    expect(sample(await scrape(first.url), 'servercam_viewers', { transport: 'mjpeg' })).toBe(1);
    const other = await scrape(second.url);
    expect(sample(other, 'servercam_viewers', { transport: 'mjpeg' })).toBeUndefined();
    expect(sample(other, 'graphql_envelop_request', { operationType: 'query' })).toBeUndefined();
  });
});

describe('who may read /metrics', () => {
  const METRICS_TOKEN = 'met-Rz4Kq8Wn2Xv7Lp3Tj9Bd';
  const ADMIN = 'adm-Gy6Ns2Hc8Vq4Zk7Mw3Fp';
  /** A client off loopback, as named by a trusted proxy's X-Forwarded-For (the address every check uses). */
  const REMOTE = { 'x-forwarded-for': '203.0.113.9' };

  it('answers loopback callers without a token when none is configured, and refuses others', async () => {
    const { url } = await startServer({ cameras: CAMERAS, trustedProxies: ['127.0.0.1'] });
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    const remote = await fetch(`${url}/metrics`, { headers: REMOTE });
    expect(remote.status).toBe(403);
    expect(await remote.text()).not.toContain('servercam_');
  });

  it('with a metrics token, refuses a missing, a wrong and an API token, from anywhere, and takes the right one', async () => {
    const { url } = await startServer({ cameras: CAMERAS, trustedProxies: ['127.0.0.1'], metricsToken: METRICS_TOKEN, auth: { adminToken: ADMIN } });
    const wrong = 'met-Wrong7Kd3Lq9Zx2Vb8Nh';
    for (const headers of [{}, REMOTE]) {
      expect((await fetch(`${url}/metrics`, { headers })).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { ...headers, authorization: `Bearer ${wrong}` } })).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { ...headers, authorization: `Bearer ${ADMIN}` } })).status).toBe(401);
    }
    const families = await scrape(url, { ...REMOTE, authorization: `Bearer ${METRICS_TOKEN}` });
    expect(sample(families, 'servercam_camera_up', { camera: 'cam' })).toBeDefined();
    // The metrics token opens nothing else.
    expect((await gql(url, METRICS_TOKEN, '{ cameras { id } }')).status).toBe(401);
    // The wrong tokens are audited by address, never shown.
    const log = await gql(url, ADMIN, '{ auditLog { edges { node { action address detail count } } } }');
    expect(log.text).toContain('"detail":"wrong metrics token"');
    expect(log.text).toContain('"address":"203.0.113.9"');
    for (const secret of [wrong, METRICS_TOKEN, ADMIN]) expect(log.text).not.toContain(secret);
  });
});
