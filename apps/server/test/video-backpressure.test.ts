/**
 * A stalled `video` subscriber over graphql-ws, on a real socket that stops
 * reading: the server drops its chunks (never queues them) up to the next
 * keyframe, so when it reads again its stream goes on at a keyframe with its
 * `avcC`, and all it received decodes with no error; a healthy subscriber
 * meanwhile keeps getting chunks. On the real encoder (ffmpeg's libx264).
 *
 * H.264 of the synthetic camera is a few kB a second; the stalled connection
 * also subscribes to its JPEG frames (tens of kB each), so the kernel's
 * buffers for its socket fill in seconds rather than minutes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeAll, type Result, type Running, stalledWsSubscriber, startServer, until, wsClient } from './helpers/clients.ts';
import { probeWireChunks, type WireVideoChunk } from './helpers/h264.ts';

const VIDEO = 'subscription { video(cameraId: "cam") { seq keyframe codec description width height data } }';
const FRAMES = 'subscription { frames(cameraId: "cam") { seq data } }';

let running: Running;

beforeAll(async () => {
  // Big, detailed pictures at 30 fps, so the stalled socket's kernel buffers fill in seconds.
  running = await startServer({ fps: 30, quality: 100, cameras: [{ id: 'cam', source: 'synthetic:1280x720@30' }] });
});
afterAll(closeAll);

it('a stalled graphql-ws video subscriber resumes at a keyframe with its description, and its chunks decode; a healthy one keeps getting chunks', async () => {
  const healthy: WireVideoChunk[] = [];
  const client = wsClient(running.wsUrl);
  const stopHealthy = client.subscribe<{ video: WireVideoChunk }>({ query: VIDEO }, {
    next: (result) => void (result.data && healthy.push(result.data.video)),
    error: () => {},
    complete: () => {},
  });
  const stalledChunks: WireVideoChunk[] = [];
  const errors: unknown[] = [];
  const stalled = await stalledWsSubscriber(running.wsUrl, VIDEO, {}, (message) => {
    const { id, type, payload } = message as { id: string; type: string; payload?: Result<{ video: WireVideoChunk }> };
    if (id !== '1') return;
    if (type === 'next' && payload?.data) stalledChunks.push(payload.data.video);
    else errors.push(message);
  });
  stalled.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: FRAMES } }));
  const dropped = (): number => running.server.stats().subscriptions.videoChunksDropped;
  await until(() => dropped() > 0, 'video chunks dropped for the stalled subscriber', 60_000);
  const healthyAtFirstDrop = healthy.length;
  // Past a few more drops, every chunk written to the stalled socket is one the healthy subscriber has had.
  await until(() => dropped() > 15, 'more chunks dropped', 30_000);
  const beforeResume = healthy.at(-1)!.seq;
  const healthyDuringStall = healthy.length - healthyAtFirstDrop;
  stalled.resume();
  await until(() => stalledChunks.some((chunk) => chunk.seq > beforeResume) && stalledChunks.filter((chunk) => chunk.seq > beforeResume).length >= 10,
    'chunks after the stalled subscriber reads again', 30_000);
  stopHealthy();
  stalled.terminate();
  console.info(`[video-backpressure] stalled got ${stalledChunks.length} chunks, ${dropped()} dropped; healthy got ${healthy.length}`);

  expect(errors).toEqual([]);
  // Read up to the stall: the chunks written before the socket filled, from the keyframe it joined at.
  const written = stalledChunks.filter((chunk) => chunk.seq <= beforeResume);
  const afterwards = stalledChunks.filter((chunk) => chunk.seq > beforeResume);
  expect(written[0]).toMatchObject({ keyframe: true, description: expect.any(String) });
  // The first chunk after the gap is a keyframe with its avcC, and nothing was lost between them and after.
  expect(afterwards[0]).toMatchObject({ keyframe: true, description: expect.any(String), width: 1280, height: 720 });
  const seqs = stalledChunks.map((chunk) => chunk.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  const probed = probeWireChunks(stalledChunks, 'stalled-video');
  expect(probed).toMatchObject({ codec: 'h264', width: 1280, frames: stalledChunks.length, errors: '' });
  // The healthy subscriber got chunks while the other was stalled.
  expect(healthyDuringStall).toBeGreaterThan(10);
}, 120_000);
