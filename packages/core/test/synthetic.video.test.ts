/**
 * H.264 video from the synthetic camera, on the real encoder (ffmpeg with
 * libx264): what the chunks decode to, late joiners, slow consumers, pause,
 * camera switching, and the GOP cache's bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseAvcc, parseSps, ServerVideoStream, type ServerVideoStreamOptions, type VideoChunk } from '@servercam/core';
import { expectDecodes, expectSameColours, probe, takeChunks, writeH264 } from './helpers/h264.ts';
import { until } from './helpers/wait.ts';
import { cameraStats } from '../../testing/src/stats.ts';

const streams: ServerVideoStream[] = [];
async function open(options: Partial<ServerVideoStreamOptions> = {}): Promise<ServerVideoStream> {
  const stream = new ServerVideoStream({
    cameras: [{ id: 'cam', source: 'synthetic:640x480@25' }, { id: 'other', source: 'synthetic:320x240@25' }],
    fps: 25,
    ...options,
  });
  streams.push(stream);
  await stream.start(['cam']);
  return stream;
}
afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('H.264 video, synthetic camera', () => {
  it('gives chunks that ffmpeg decodes with no error, one frame per chunk', async () => {
    const stream = await open();
    const video = stream.video({ maxWidth: 320 });
    const chunks = await takeChunks(video, 60);
    await video.return?.();
    const file = expectDecodes(chunks);
    expect(Number(probe(file).nb_read_frames)).toBe(chunks.length);
    expect(chunks.every((chunk) => chunk.cameraId === 'cam' && chunk.variant === 'h264:w320')).toBe(true);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.seq).toBeGreaterThan(chunks[i - 1]!.seq);
  });

  it('reports the codec string, avcC and size that ffprobe reads from the stream', async () => {
    const stream = await open();
    const video = stream.video({});
    const chunks = await takeChunks(video, 10);
    await video.return?.();
    const first = chunks[0]!;
    const record = parseAvcc(first.description!);
    const sps = parseSps(record.sps[0]!);
    const probed = probe(writeH264(chunks));
    expect(probed).toMatchObject({ codec_name: 'h264', profile: 'High', width: 640, height: 480 });
    expect(first).toMatchObject({ width: 640, height: 480, codec: sps.codec });
    expect(first.codec).toBe(`avc1.${[record.profileIdc, record.constraintFlags, record.levelIdc].map((b) => b.toString(16).padStart(2, '0')).join('')}`);
    expect(record.levelIdc).toBe(probed.level);
    expect(record.profileIdc).toBe(100);
    expect(chunks.slice(1).every((chunk) => chunk.keyframe === (chunk.description !== undefined))).toBe(true);
  });

  it('keeps the colours of the RGB frames (the picture matches the JPEG of the same frame)', async () => {
    await expectSameColours(await open(), 'cam');
  });

  it('starts a late joiner at once at a keyframe with its description', async () => {
    const stream = await open();
    const early = stream.video({ maxWidth: 320 });
    const seen = await takeChunks(early, 40); // well into the GOP
    const late = stream.video({ maxWidth: 320 });
    const [first] = await takeChunks(late, 1);
    await Promise.all([early.return?.(), late.return?.()]);
    expect(first).toMatchObject({ keyframe: true, variant: 'h264:w320' });
    // From the cached GOP, not the next keyframe: a picture the early consumer already had.
    expect(first!.seq).toBeLessThanOrEqual(seen.at(-1)!.seq);
    expect(first!.description).toBeInstanceOf(Uint8Array);
  });

  it('lets a stalled consumer drop to the next keyframe, counted, and what it got decodes with no error', async () => {
    const stream = await open();
    const video = stream.video({ maxWidth: 320 });
    const before = await takeChunks(video, 5);
    // Stop reading until a keyframe has come while the reader was away.
    let keyframeWhileStalled: VideoChunk | undefined;
    const stop = stream.subscribeVideo({ maxWidth: 320 }, (chunk) => {
      if (chunk.keyframe && chunk.seq > before.at(-1)!.seq + 1) keyframeWhileStalled ??= chunk;
    });
    await until(() => keyframeWhileStalled, 'a keyframe while the consumer is stalled');
    stop();
    const after = await takeChunks(video, 30);
    await video.return?.();
    expect(video.dropped).toBeGreaterThan(0);
    expect(after[0]!.keyframe).toBe(true);
    expect(after[0]!.seq).toBeGreaterThanOrEqual(keyframeWhileStalled!.seq);
    expectDecodes(after);
  });

  it('encodes no frame while paused, and goes on after', async () => {
    const stream = await open();
    const chunks: VideoChunk[] = [];
    const stop = stream.subscribeVideo({}, (chunk) => void chunks.push(chunk));
    await until(() => chunks.length >= 5, 'chunks before the pause');
    stream.paused = true;
    await until(() => stream.camera('cam')?.status === 'paused', 'the camera to pause');
    // A fresh stream's seq counts captured frames: nothing after `captured` may come.
    const captured = (await cameraStats(stream)).captured;
    await sleep(1000);
    expect((await cameraStats(stream)).captured).toBe(captured);
    expect(chunks.every((chunk) => chunk.seq <= captured)).toBe(true);
    stream.paused = false;
    await until(() => chunks.some((chunk) => chunk.seq > captured), 'chunks after the pause');
    stop();
  });

  it('follows the active camera: after a switch the first chunk is a keyframe of the new camera', async () => {
    const stream = await open();
    const video = stream.video({});
    const before = await takeChunks(video, 10);
    stream.activeCameraId = 'other';
    let chunk: VideoChunk | undefined;
    // Pictures of the old camera already on their way may come first.
    do [chunk] = await takeChunks(video, 1); while (chunk && chunk.cameraId === 'cam');
    const after = [chunk!, ...(await takeChunks(video, 10))];
    await video.return?.();
    expect(before.every((c) => c.cameraId === 'cam')).toBe(true);
    expect(after[0]).toMatchObject({ cameraId: 'other', keyframe: true, width: 320, height: 240 });
    expect(after[0]!.description).toBeInstanceOf(Uint8Array);
    expect(after.every((c) => c.cameraId === 'other')).toBe(true);
    expectDecodes(after);
  });

  it('bounds the cached GOP by videoGopBytes: a late joiner whose GOP outgrew it waits for the next keyframe', async () => {
    // 1 KiB: less than a keyframe of this camera, so no GOP is ever cached.
    const stream = await open({ videoGopBytes: 1024 });
    const early: VideoChunk[] = [];
    const stopEarly = stream.subscribeVideo({}, (chunk) => void early.push(chunk));
    await until(() => early.length >= 10, 'chunks well into a GOP');
    const had = early.at(-1)!.seq;
    const late: VideoChunk[] = [];
    const stopLate = stream.subscribeVideo({}, (chunk) => void late.push(chunk));
    await until(() => late.length >= 3, 'chunks for the late joiner');
    stopLate();
    stopEarly();
    expect(early[0]).toMatchObject({ keyframe: true });
    expect(early[0]!.data.byteLength).toBeGreaterThan(1024);
    // Not the cached keyframe (one the early consumer had): the next one, which both got.
    expect(late[0]).toMatchObject({ keyframe: true });
    expect(late[0]!.seq).toBeGreaterThan(had);
    expect(early.find((chunk) => chunk.seq === late[0]!.seq)?.keyframe).toBe(true);
    expectDecodes(late);
  });

  it('checks videoGopBytes: a whole number of at least 1024', () => {
    const cameras = [{ id: 'cam', source: 'synthetic:64x48@5' }];
    for (const videoGopBytes of [1023, 0, -1, 4096.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ServerVideoStream({ cameras, videoGopBytes })).toThrow(RangeError);
    }
    expect(() => new ServerVideoStream({ cameras, videoGopBytes: 1024 })).not.toThrow();
  });

  it('works the same with capture in a child process', async () => {
    const stream = await open({ isolation: 'process' });
    const video = stream.video({ maxWidth: 160 });
    const chunks = await takeChunks(video, 20);
    await video.return?.();
    expect(chunks[0]).toMatchObject({ keyframe: true, width: 160, height: 120 });
    expectDecodes(chunks);
  });

  it('starts a new encoder on a change of quality: its first picture is a keyframe with a description', async () => {
    const stream = await open();
    const chunks: VideoChunk[] = [];
    const stop = stream.subscribeVideo({}, (chunk) => void chunks.push(chunk));
    await until(() => chunks.length >= 5, 'chunks');
    const encoders = async () => Object.values((await cameraStats(stream)).videoEncoders ?? {});
    const [before] = await encoders();
    stream.quality = 40;
    const [after] = await until(async () => {
      const list = await encoders();
      return list[0] && list[0].pid !== before?.pid && list[0].pictures > 0 ? list : undefined;
    }, 'a new encoder');
    stop();
    expect(after!.pid).not.toBe(before!.pid);
    const firstOfNew = chunks.findIndex((chunk, i) => i > 0 && chunk.keyframe && chunk.seq > chunks[4]!.seq);
    expect(firstOfNew).toBeGreaterThan(0);
    expect(chunks[firstOfNew]!.description).toBeInstanceOf(Uint8Array);
  });

  it('runs at most maxVideoVariantsPerCamera encoders, however many rates and widths are asked, and feeds every consumer', async () => {
    const stream = await open({ maxVideoVariantsPerCamera: 2 });
    const got = Array.from({ length: 6 }, () => [] as VideoChunk[]);
    const requests = [{ maxFps: 5 }, { maxFps: 7 }, { maxFps: 9 }, { maxWidth: 320, maxFps: 3 }, { maxWidth: 320 }, { maxWidth: 160 }];
    const stops = requests.map((request, i) => stream.subscribeVideo(request, (chunk) => void got[i]!.push(chunk)));
    await until(() => got.every((chunks) => chunks.length >= 3), 'chunks for every consumer', 20_000);
    const encoders = (await cameraStats(stream)).videoEncoders ?? {};
    stops.forEach((stop) => stop());
    expect(Object.keys(encoders)).toHaveLength(2);
    expect(new Set(got.flat().map((chunk) => chunk.variant)).size).toBeLessThanOrEqual(2);
    expect(got.every((chunks) => chunks[0]!.keyframe)).toBe(true);
  });

  it('runs no encoder for JPEG consumers, and stops the encoder when its last consumer leaves', async () => {
    const stream = await open();
    const frames = stream.frames({});
    await frames.next();
    expect((await cameraStats(stream)).videoEncoders).toEqual({});
    const video = stream.video({});
    await takeChunks(video, 2);
    const running = (await cameraStats(stream)).videoEncoders ?? {};
    expect(Object.keys(running)).toEqual(['h264:full']);
    await video.return?.();
    await until(async () => Object.keys((await cameraStats(stream)).videoEncoders ?? { x: 1 }).length === 0, 'the encoder to stop');
    await frames.return();
  });
});
