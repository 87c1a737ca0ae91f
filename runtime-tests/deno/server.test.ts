/**
 * The all-in-one server under Deno: the `servercam` CLI
 * (apps/server/src/cli.ts) run by Deno, as `pnpm servercam:deno serve` does,
 * with synthetic cameras, and real clients on loopback: GraphQL over HTTP,
 * frames over graphql-ws and SSE, snapshots and MJPEG, GraphiQL compressed
 * with node:zlib, and the operation limits (GraphQL Armor's rules) under Deno. An OpenCV camera
 * reports BACKEND_UNAVAILABLE with the reason. Run once per capture
 * isolation: a supervised child process (itself a Deno process) and a worker
 * thread.
 *
 * Needs the workspace built (`pnpm build`): the server imports
 * @servercam/core and @servercam/schema as packages.
 * @module
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { fromBase64, httpGraphQL, mjpegParts, serveWithDeno, sseSubscription, wsSubscription } from './clients.ts';
import { jpegSize, makeVideo, within } from './helpers.ts';

interface Frame {
  cameraId: string;
  seq: number;
  width: number;
  height: number;
  mimeType: string;
  data: string;
}

const FRAMES = `subscription Frames($cameraId: ID, $maxWidth: Int) {
  frames(cameraId: $cameraId, maxWidth: $maxWidth) { cameraId seq width height mimeType data }
}`;

function assertJpegFrames(frames: readonly Frame[], cameraId: string, size: { width: number; height: number }): void {
  for (const frame of frames) {
    assert.equal(frame.cameraId, cameraId);
    assert.equal(frame.mimeType, 'image/jpeg');
    assert.deepEqual(jpegSize(fromBase64(frame.data)), size);
  }
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i]!.seq > frames[i - 1]!.seq, `seq ${frames[i]!.seq} after ${frames[i - 1]!.seq}`);
}

/** A GET on its own connection with node:http, the body as sent (fetch would decode it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on('data', (chunk: Uint8Array) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: new Uint8Array(Buffer.concat(chunks)) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Nine levels of introspection: over the depth limit of 8, which does not count introspection. */
const DEEP_INTROSPECTION = '{ __schema { types { name fields { name type { kind ofType { kind ofType { kind ofType { kind ofType { name } } } } } } } } }';

async function servesUnderDeno(t: Deno.TestContext, isolation: 'process' | 'worker'): Promise<void> {
  const video = makeVideo({ width: 320, height: 240, fps: 15, seconds: 1, dir: await Deno.makeTempDir({ prefix: 'servercam-deno-' }) });
  await using server = await serveWithDeno([
    '--host', '127.0.0.1',
    '--port', '0',
    '--camera', 'desk=synthetic:320x240@20',
    '--camera', 'side=synthetic:160x120@20',
    '--camera', `file=${video}`,
    '--fps', '20',
    '--isolation', isolation,
  ]);

  await t.step('answers a GraphQL query over HTTP', async () => {
    const result = await httpGraphQL<{ cameras: Array<{ id: string }>; stream: { activeCameraId: string; fps: number } }>(
      server.url,
      '{ cameras { id } stream { activeCameraId fps } }',
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data?.cameras.map((camera) => camera.id), ['desk', 'side', 'file']);
    assert.deepEqual(result.data?.stream, { activeCameraId: 'desk', fps: 20 });
  });

  await t.step('delivers frames over graphql-ws', async () => {
    const results = await within(wsSubscription<{ frames: Frame }>(server.wsUrl, FRAMES, 3), '3 frames over graphql-ws', 15_000);
    for (const result of results) assert.equal(result.errors, undefined);
    assertJpegFrames(results.map((result) => result.data!.frames), 'desk', { width: 320, height: 240 });
  });

  await t.step('delivers frames over SSE', async () => {
    const results = await within(sseSubscription<{ frames: Frame }>(server.url, FRAMES, 3, { cameraId: 'side' }), '3 frames over SSE', 15_000);
    for (const result of results) assert.equal(result.errors, undefined);
    assertJpegFrames(results.map((result) => result.data!.frames), 'side', { width: 160, height: 120 });
  });

  await t.step('scales frames to maxWidth', async () => {
    const [result] = await within(wsSubscription<{ frames: Frame }>(server.wsUrl, FRAMES, 1, { maxWidth: 160 }), 'a scaled frame', 15_000);
    assertJpegFrames([result!.data!.frames], 'desk', { width: 160, height: 120 });
  });

  await t.step('a mutation changes the shared settings', async () => {
    const result = await httpGraphQL<{ updateStream: { activeCameraId: string; quality: number } }>(
      server.url,
      'mutation { updateStream(input: { activeCameraId: "side", quality: 60 }) { activeCameraId quality } }',
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data?.updateStream, { activeCameraId: 'side', quality: 60 });
    const [frame] = await within(wsSubscription<{ frames: Frame }>(server.wsUrl, FRAMES, 1), 'a frame of the new active camera', 15_000);
    assert.equal(frame!.data!.frames.cameraId, 'side');
  });

  await t.step('rejects invalid settings with an error and changes nothing', async () => {
    const result = await httpGraphQL<unknown>(server.url, 'mutation { updateStream(input: { quality: 0 }) { quality } }');
    assert.ok(result.errors?.length, 'an error');
    const after = await httpGraphQL<{ stream: { quality: number } }>(server.url, '{ stream { quality } }');
    assert.equal(after.data?.stream.quality, 60);
  });

  await t.step('sends GraphiQL with brotli or gzip (node:zlib under Deno), decoding to the page', async () => {
    const page = await rawGet(`${server.url}/graphql`, { accept: 'text/html' });
    assert.equal(page.headers['content-encoding'], undefined);
    const br = await rawGet(`${server.url}/graphql`, { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.deepEqual(new Uint8Array(brotliDecompressSync(br.body)), page.body);
    const gzip = await rawGet(`${server.url}/graphql`, { accept: 'text/html', 'accept-encoding': 'gzip' });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.deepEqual(new Uint8Array(gunzipSync(gzip.body)), page.body);
  });

  await t.step('lets deep introspection through the limits, and refuses too many tokens', async () => {
    const introspection = await httpGraphQL<{ __schema: { types: unknown[] } }>(server.url, DEEP_INTROSPECTION);
    assert.equal(introspection.errors, undefined);
    assert.ok((introspection.data?.__schema.types.length ?? 0) > 10);
    const tokens = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: `{ stream(a: [${'1 '.repeat(2500)}]) { fps } }` }),
    });
    assert.equal(tokens.status, 400);
    const refusal = (await tokens.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    assert.equal(refusal.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
  });

  await t.step('serves a snapshot JPEG', async () => {
    const response = await fetch(`${server.url}/cameras/desk/snapshot.jpg`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(jpegSize(new Uint8Array(await response.arrayBuffer())), { width: 320, height: 240 });
  });

  await t.step('serves MJPEG', async () => {
    const { type, parts } = await within(mjpegParts(`${server.url}/cameras/side/stream.mjpeg`, 3), '3 MJPEG parts', 15_000);
    assert.match(type, /^multipart\/x-mixed-replace/);
    for (const part of parts) {
      assert.equal(part.headers['content-type'], 'image/jpeg');
      assert.deepEqual(jpegSize(part.data), { width: 160, height: 120 });
    }
  });

  await t.step('an OpenCV camera reports BACKEND_UNAVAILABLE: Deno loads no NAN addon', async () => {
    const query = '{ camera(id: "file") { status error { code message } } }';
    let camera: { status: string; error: { code: string; message: string } | null } | null | undefined;
    // The camera opens on demand: a snapshot request or a subscriber asks for it.
    await fetch(`${server.url}/cameras/file/snapshot.jpg`).then((response) => response.body?.cancel());
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      camera = (await httpGraphQL<{ camera: typeof camera }>(server.url, query)).data?.camera;
      if (camera?.status === 'ERROR') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(camera?.status, 'ERROR');
    assert.equal(camera?.error?.code, 'BACKEND_UNAVAILABLE');
    assert.match(camera?.error?.message ?? '', /NAN addon/);
    assert.match(camera?.error?.message ?? '', /Node-API/);
  });

  await t.step('shuts down gracefully on SIGTERM', async () => {
    const status = await within(server.stop('SIGTERM'), 'the server to exit', 10_000);
    assert.equal(status.code, 0);
  });

  await Deno.remove(video.slice(0, video.lastIndexOf('/')), { recursive: true });
}

// The same behaviours with capture in a supervised child process (a Deno process too) and in a worker thread.
for (const isolation of ['process', 'worker'] as const) {
  Deno.test(`servercam serve --isolation ${isolation}, run by Deno`, (t) => servesUnderDeno(t, isolation));
}
