/**
 * No encoder: `servercam serve` as a real process whose `SERVERCAM_FFMPEG`
 * names no program. A `video` subscriber gets a GraphQL error with the core's
 * code, while a JPEG subscriber of the same camera goes on; `stream.mp4`
 * answers 503 with the same code.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliProcess, freePort, startCli } from '@servercam/testing';
import { closeAll, next, type Result, sseEvents, wsClient, wsSubscribe } from './helpers/clients.ts';

const MISSING = '/nonexistent/servercam-test/ffmpeg';
let cli: CliProcess | undefined;
let url: string;
let wsUrl: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  wsUrl = `ws://127.0.0.1:${port}/graphql`;
  cli = await startCli(['serve', '--port', String(port), '--camera', 'cam=synthetic:160x120', '--fps', '10', '--isolation', 'worker', '--log-level', 'warn'], url, {
    env: { SERVERCAM_FFMPEG: MISSING },
    ready: (status) => status === 200,
  });
});
afterAll(async () => {
  await closeAll();
  await cli?.stop();
});

type ErrorResult = Result<unknown> & { errors?: Array<{ message: string; extensions?: { code?: string } }> };

it('video over graphql-ws ends with the encoder\'s error code, while a JPEG subscriber goes on', async () => {
  const client = wsClient(wsUrl);
  const frames = wsSubscribe<{ frames: { seq: number } }>(client, 'subscription { frames(cameraId: "cam") { seq } }');
  const before = (await next(frames)).data!.frames.seq;
  const video = wsSubscribe(client, 'subscription { video(cameraId: "cam") { seq keyframe } }');
  const failed = (await next(video, 15_000, 'the video error')) as ErrorResult;
  expect(failed.data ?? null).toBeNull();
  expect(failed.errors?.[0]?.extensions?.code).toBe('VIDEO_ENCODER_UNAVAILABLE');
  expect(failed.errors?.[0]?.message).toContain('SERVERCAM_FFMPEG');
  expect((await video.next()).done).toBe(true);
  // JPEG goes on after the failure.
  let seq = before;
  while (seq <= before + 2) seq = (await next(frames)).data!.frames.seq;
  await frames.return?.();
});

it('video over SSE gets the same error, then completes', async () => {
  const events: Array<{ event: string; data: string }> = [];
  for await (const event of sseEvents(url, 'subscription { video(cameraId: "cam") { seq } }')) {
    events.push(event);
    if (event.event === 'complete') break;
  }
  const next = events.find((event) => event.event === 'next');
  expect((JSON.parse(next!.data) as ErrorResult).errors?.[0]?.extensions?.code).toBe('VIDEO_ENCODER_UNAVAILABLE');
});

it('stream.mp4 answers 503 with the code', async () => {
  const response = await fetch(`${url}/cameras/cam/stream.mp4`);
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ code: 'VIDEO_ENCODER_UNAVAILABLE' });
});
