/**
 * The server's behaviours under Deno, written once and run against every
 * target (targets.ts), as graphql-ws's `tests/use.test.ts` runs one suite
 * over each of its adapters. A scenario that cannot run on a target says why
 * (`skip`); the steps run in this order on one server per target, the
 * graceful shutdown last.
 * @module
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { fromBase64, jpegSize } from '../../packages/testing/src/jpeg.ts';
import { type MjpegPart, mjpegParts } from '../../packages/testing/src/mjpeg.ts';
import { type SseEvent, sseEvents } from '../../packages/testing/src/sse.ts';
import { until } from '../../packages/testing/src/wait.ts';
import { bearer, connected, httpGraphQL, rawUpgradeStatus, WsClient, wsSubscription } from './clients.ts';
import { within } from './helpers.ts';
import { type Target, TOKEN } from './targets.ts';

export interface Scenario {
  readonly name: string;
  /** Why this scenario cannot run on `target`, or undefined when it can. */
  skip?(target: Target): string | undefined;
  run(target: Target): Promise<void>;
}

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

/** Nine levels of introspection: over the depth limit of 8, which does not count introspection. */
const DEEP_INTROSPECTION = '{ __schema { types { name fields { name type { kind ofType { kind ofType { kind ofType { kind ofType { name } } } } } } } } }';

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

/** A `frames` subscription over SSE with the token: the kit's `sseEvents`, its parser reading the events. */
function sseFrames(url: string, variables: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<SseEvent> {
  return sseEvents(url, FRAMES, variables, signal, bearer(TOKEN));
}

/** The next `count` `next` payloads of SSE `events` (read with `next()`, so the stream stays open). */
async function nextPayloads<T>(events: AsyncGenerator<SseEvent>, count: number): Promise<T[]> {
  const payloads: T[] = [];
  while (payloads.length < count) {
    const { value: event, done } = await events.next();
    if (done) throw new Error(`the SSE stream ended after ${payloads.length} results`);
    if (event.event === 'complete') throw new Error(`the subscription completed after ${payloads.length} results`);
    if (event.event === 'next') payloads.push(JSON.parse(event.data) as T);
  }
  return payloads;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'the CLI says which runtime adapter runs: Deno.serve under Deno',
    skip: (target) => (target.logLines ? undefined : 'a server in this process: the test chose its adapter, no CLI ran'),
    async run(target) {
      const line = target.logLines!().find((entry) => entry['adapter'] !== undefined);
      assert.equal(line?.['adapter'], 'Deno.serve');
      assert.match(String(line?.['msg']), /Deno\.serve and Deno\.upgradeWebSocket/);
    },
  },
  {
    name: 'answers a GraphQL query over HTTP',
    async run(target) {
      const result = await httpGraphQL<{ cameras: Array<{ id: string }>; stream: { activeCameraId: string; fps: number } }>(
        target.url,
        TOKEN,
        '{ cameras { id } stream { activeCameraId fps } }',
      );
      assert.equal(result.errors, undefined);
      assert.deepEqual(result.data?.cameras.map((camera) => camera.id), ['desk', 'side', 'file']);
      assert.deepEqual(result.data?.stream, { activeCameraId: 'desk', fps: 20 });
    },
  },
  {
    name: 'delivers frames over graphql-ws, through the adapter\'s frame writer (the fast path)',
    async run(target) {
      const before = target.stats?.().graphqlWsFrames;
      const results = await within(wsSubscription<{ frames: Frame }>(target.wsUrl, TOKEN, FRAMES, 3), '3 frames over graphql-ws', 15_000);
      for (const result of results) assert.equal(result.errors, undefined);
      assertJpegFrames(results.map((result) => result.data!.frames), 'desk', { width: 320, height: 240 });
      if (before) {
        // In process the stats show which path served it (a child's are out of reach; its frames above are the proof it works).
        const after = target.stats!().graphqlWsFrames;
        assert.equal(after.fastPath, before.fastPath + 1);
        assert.equal(after.normalPath, before.normalPath);
      }
    },
  },
  {
    name: 'scales frames to maxWidth over graphql-ws',
    async run(target) {
      const [result] = await within(wsSubscription<{ frames: Frame }>(target.wsUrl, TOKEN, FRAMES, 1, { maxWidth: 160 }), 'a scaled frame', 15_000);
      assertJpegFrames([result!.data!.frames], 'desk', { width: 160, height: 120 });
    },
  },
  {
    name: 'delivers frames over SSE',
    async run(target) {
      const controller = new AbortController();
      const events = sseFrames(target.url, { cameraId: 'side' }, controller.signal);
      try {
        const results = await within(nextPayloads<{ data?: { frames: Frame }; errors?: unknown }>(events, 3), '3 frames over SSE', 15_000);
        for (const result of results) assert.equal(result.errors, undefined);
        assertJpegFrames(results.map((result) => result.data!.frames), 'side', { width: 160, height: 120 });
      } finally {
        await events.return(undefined);
        controller.abort();
      }
    },
  },
  {
    name: 'serves MJPEG',
    async run(target) {
      const controller = new AbortController();
      try {
        const response = await fetch(`${target.url}/cameras/side/stream.mjpeg`, { headers: bearer(TOKEN), signal: controller.signal });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^multipart\/x-mixed-replace/);
        const parts: MjpegPart[] = [];
        await within((async () => {
          for await (const part of mjpegParts(response)) if (parts.push(part) >= 3) break;
        })(), '3 MJPEG parts', 15_000);
        for (const part of parts) {
          assert.equal(part.headers['content-type'], 'image/jpeg');
          assert.deepEqual(jpegSize(part.data), { width: 160, height: 120 });
        }
      } finally {
        controller.abort();
      }
    },
  },
  {
    name: 'serves a snapshot JPEG',
    async run(target) {
      const response = await fetch(`${target.url}/cameras/desk/snapshot.jpg`, { headers: bearer(TOKEN) });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/jpeg');
      assert.deepEqual(jpegSize(new Uint8Array(await response.arrayBuffer())), { width: 320, height: 240 });
    },
  },
  {
    name: 'a mutation changes the shared settings; streamSettings and frames follow it',
    async run(target) {
      await using client = await connected(target.wsUrl, TOKEN);
      client.subscribe('settings', 'subscription { streamSettings { activeCameraId quality } }');
      // streamSettings sends changes only: a frame on a subscription made after it says it is set up.
      client.subscribe('frames', FRAMES);
      await until(() => client.results('frames').length > 0, 'a frame on the same connection', 15_000);
      client.complete('frames');
      const result = await httpGraphQL<{ updateStream: { activeCameraId: string; quality: number } }>(
        target.url,
        TOKEN,
        'mutation { updateStream(input: { activeCameraId: "side", quality: 60 }) { activeCameraId quality } }',
      );
      assert.equal(result.errors, undefined);
      assert.deepEqual(result.data?.updateStream, { activeCameraId: 'side', quality: 60 });
      const changed = await until(
        () => client.results<{ streamSettings: { activeCameraId: string; quality: number } }>('settings').find((next) => next.data?.streamSettings.quality === 60),
        'streamSettings with the new quality',
      );
      assert.deepEqual(changed.data?.streamSettings, { activeCameraId: 'side', quality: 60 });
      const [frame] = await within(wsSubscription<{ frames: Frame }>(target.wsUrl, TOKEN, FRAMES, 1), 'a frame of the new active camera', 15_000);
      assert.equal(frame!.data!.frames.cameraId, 'side');
      // Back to the start, for the scenarios after this one.
      await httpGraphQL(target.url, TOKEN, 'mutation { updateStream(input: { activeCameraId: "desk", quality: 80 }) { quality } }');
    },
  },
  {
    name: 'rejects invalid settings with an error and changes nothing',
    async run(target) {
      const result = await httpGraphQL<unknown>(target.url, TOKEN, 'mutation { updateStream(input: { quality: 0 }) { quality } }');
      assert.ok(result.errors?.length, 'an error');
      const after = await httpGraphQL<{ stream: { quality: number } }>(target.url, TOKEN, '{ stream { quality } }');
      assert.equal(after.data?.stream.quality, 80);
    },
  },
  {
    name: 'sends GraphiQL with brotli or gzip (node:zlib under Deno), decoding to the page',
    async run(target) {
      const headers = { accept: 'text/html', ...bearer(TOKEN) };
      const page = await rawGet(`${target.url}/graphql`, headers);
      assert.equal(page.headers['content-encoding'], undefined);
      const br = await rawGet(`${target.url}/graphql`, { ...headers, 'accept-encoding': 'gzip, deflate, br' });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.deepEqual(new Uint8Array(brotliDecompressSync(br.body)), page.body);
      const gzip = await rawGet(`${target.url}/graphql`, { ...headers, 'accept-encoding': 'gzip' });
      assert.equal(gzip.headers['content-encoding'], 'gzip');
      assert.deepEqual(new Uint8Array(gunzipSync(gzip.body)), page.body);
    },
  },
  {
    name: 'lets deep introspection through the limits, and refuses too many tokens',
    async run(target) {
      const introspection = await httpGraphQL<{ __schema: { types: unknown[] } }>(target.url, TOKEN, DEEP_INTROSPECTION);
      assert.equal(introspection.errors, undefined);
      assert.ok((introspection.data?.__schema.types.length ?? 0) > 10);
      const tokens = await fetch(`${target.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...bearer(TOKEN) },
        body: JSON.stringify({ query: `{ stream(a: [${'1 '.repeat(2500)}]) { fps } }` }),
      });
      assert.equal(tokens.status, 400);
      const refusal = (await tokens.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      assert.equal(refusal.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
    },
  },
  {
    name: 'refuses a caller without credentials: HTTP 401, MJPEG 401, graphql-ws 4401',
    async run(target) {
      const graphql = await fetch(`${target.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ stream { fps } }' }),
      });
      await graphql.body?.cancel();
      assert.equal(graphql.status, 401);
      const mjpeg = await fetch(`${target.url}/cameras/desk/stream.mjpeg`);
      await mjpeg.body?.cancel();
      assert.equal(mjpeg.status, 401);
      await using anonymous = new WsClient(target.wsUrl, undefined);
      const closed = await within(anonymous.closed, 'the anonymous WebSocket to be closed');
      assert.equal(closed.code, 4401);
    },
  },
  {
    name: 'applies the app\'s upgrade policy: 101 on /graphql, 421 for a foreign Host, 403 for a foreign Origin, 404 elsewhere',
    async run(target) {
      const host = new URL(target.url).host;
      assert.equal(await rawUpgradeStatus(target.url, '/graphql', { Host: host }), 101);
      assert.equal(await rawUpgradeStatus(target.url, '/graphql', { Host: 'rebind.example' }), 421);
      assert.equal(await rawUpgradeStatus(target.url, '/graphql', { Host: host, Origin: 'http://evil.example' }), 403);
      assert.equal(await rawUpgradeStatus(target.url, '/elsewhere', { Host: host }), 404);
    },
  },
  {
    name: 'an OpenCV camera reports BACKEND_UNAVAILABLE: Deno loads no NAN addon',
    async run(target) {
      type Camera = { status: string; error: { code: string; message: string } | null } | null;
      // The camera opens on demand: a snapshot request asks for it.
      await fetch(`${target.url}/cameras/file/snapshot.jpg`, { headers: bearer(TOKEN) }).then((response) => response.body?.cancel());
      const camera = await until(async () => {
        const result = await httpGraphQL<{ camera: Camera }>(target.url, TOKEN, '{ camera(id: "file") { status error { code message } } }');
        return result.data?.camera?.status === 'ERROR' ? result.data.camera : undefined;
      }, 'the OpenCV camera to fail', 15_000);
      assert.equal(camera.error?.code, 'BACKEND_UNAVAILABLE');
      assert.match(camera.error?.message ?? '', /NAN addon/);
      assert.match(camera.error?.message ?? '', /Node-API/);
    },
  },
  {
    name: 'shuts down gracefully: a graphql-ws subscription gets complete, then close 1001; an SSE stream ends',
    async run(target) {
      await using client = await connected(target.wsUrl, TOKEN);
      client.subscribe('live', FRAMES);
      await until(() => client.results('live').length > 0, 'a frame before the shutdown', 15_000);
      const controller = new AbortController();
      const sse = sseFrames(target.url, {}, controller.signal);
      await within(nextPayloads(sse, 1), 'an SSE frame before the shutdown', 15_000);
      const code = await within(target.stop(), 'the server to stop', 10_000);
      assert.equal(code, 0);
      assert.ok(client.got('complete', 'live'), 'complete for the subscription');
      const closed = await within(client.closed, 'the WebSocket to close');
      assert.equal(closed.code, 1001);
      // The SSE body ended (the parser returns) rather than being cut.
      const rest: SseEvent[] = [];
      for await (const event of sse) rest.push(event);
      assert.equal(rest.at(-1)?.event, 'complete');
      controller.abort();
    },
  },
];
