/**
 * H.264 video from the synthetic camera, on the real encoder (ffmpeg with
 * libx264): what the chunks decode to, late joiners, slow consumers, pause,
 * camera switching, and the GOP cache's bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GopFanout, parseAvcc, parseSps, ServerVideoStream, type ServerVideoStreamOptions, type VideoChunk } from '@servercam/core';
import { decodeErrors, expectSameColours, probe, writeH264 } from './helpers/h264.ts';
import { until } from './helpers/wait.ts';

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

/** The first `count` chunks of an iterator (it is left open). */
async function take(iterator: AsyncIterator<VideoChunk>, count: number): Promise<VideoChunk[]> {
  const chunks: VideoChunk[] = [];
  while (chunks.length < count) {
    const { value, done } = await iterator.next();
    if (done) break;
    chunks.push(value);
  }
  return chunks;
}

describe('H.264 video, synthetic camera', () => {
  it('gives chunks that ffmpeg decodes with no error, one frame per chunk', async () => {
    const stream = await open();
    const video = stream.video({ maxWidth: 320 });
    const chunks = await take(video, 60);
    await video.return?.();
    const file = writeH264(chunks);
    expect(decodeErrors(file)).toEqual({ status: 0, errors: '' });
    expect(Number(probe(file).nb_read_frames)).toBe(chunks.length);
    expect(chunks.every((chunk) => chunk.cameraId === 'cam' && chunk.variant === 'h264:w320')).toBe(true);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.seq).toBeGreaterThan(chunks[i - 1]!.seq);
  });

  it('reports the codec string, avcC and size that ffprobe reads from the stream', async () => {
    const stream = await open();
    const video = stream.video({});
    const chunks = await take(video, 10);
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
    const seen = await take(early, 40); // well into the GOP
    const late = stream.video({ maxWidth: 320 });
    const [first] = await take(late, 1);
    await Promise.all([early.return?.(), late.return?.()]);
    expect(first).toMatchObject({ keyframe: true, variant: 'h264:w320' });
    // From the cached GOP, not the next keyframe: a picture the early consumer already had.
    expect(first!.seq).toBeLessThanOrEqual(seen.at(-1)!.seq);
    expect(first!.description).toBeInstanceOf(Uint8Array);
  });

  it('lets a stalled consumer drop to the next keyframe, counted, and what it got decodes with no error', async () => {
    const stream = await open();
    const video = stream.video({ maxWidth: 320 });
    const before = await take(video, 5);
    await sleep(2600); // longer than a GOP (2 s): a keyframe arrives while it is not reading
    const after = await take(video, 30);
    await video.return?.();
    expect(video.dropped).toBeGreaterThan(0);
    expect(after[0]!.keyframe).toBe(true);
    expect(after[0]!.seq - before.at(-1)!.seq).toBeGreaterThan(1);
    expect(decodeErrors(writeH264(after))).toEqual({ status: 0, errors: '' });
  });

  it('gives no chunk while paused, and goes on after', async () => {
    const stream = await open();
    const chunks: VideoChunk[] = [];
    const stop = stream.subscribeVideo({}, (chunk) => void chunks.push(chunk));
    await until(() => chunks.length >= 5, 'chunks before the pause');
    stream.paused = true;
    await sleep(500); // pictures already in the encoder come out
    const atPause = chunks.length;
    await sleep(1000);
    expect(chunks.length).toBe(atPause);
    stream.paused = false;
    await until(() => chunks.length > atPause + 3, 'chunks after the pause');
    stop();
  });

  it('follows the active camera: after a switch the first chunk is a keyframe of the new camera', async () => {
    const stream = await open();
    const video = stream.video({});
    const before = await take(video, 10);
    stream.activeCameraId = 'other';
    let chunk: VideoChunk | undefined;
    // Pictures of the old camera already on their way may come first.
    do [chunk] = await take(video, 1); while (chunk && chunk.cameraId === 'cam');
    const after = [chunk!, ...(await take(video, 10))];
    await video.return?.();
    expect(before.every((c) => c.cameraId === 'cam')).toBe(true);
    expect(after[0]).toMatchObject({ cameraId: 'other', keyframe: true, width: 320, height: 240 });
    expect(after[0]!.description).toBeInstanceOf(Uint8Array);
    expect(after.every((c) => c.cameraId === 'other')).toBe(true);
    expect(decodeErrors(writeH264(after))).toEqual({ status: 0, errors: '' });
  });

  it('keeps the cached GOP within its byte bound', async () => {
    const stream = await open();
    const bound = 12_000;
    const fanout = new GopFanout<VideoChunk>({ maxBytes: bound });
    let most = 0;
    let cachedKeyframes = 0;
    const stop = stream.subscribeVideo({}, (chunk) => {
      fanout.push(chunk);
      most = Math.max(most, fanout.cachedBytes);
      if (chunk.keyframe && fanout.cachedChunks === 1) cachedKeyframes++;
    });
    const chunks: VideoChunk[] = [];
    stream.subscribeVideo({}, (chunk) => void chunks.push(chunk));
    await until(() => chunks.filter((c) => c.keyframe).length >= 2 && chunks.length > 60, 'two GOPs');
    stop();
    const gopBytes = chunks.slice(chunks.findIndex((c) => c.keyframe)).reduce((sum, c) => sum + c.data.byteLength, 0);
    expect(gopBytes).toBeGreaterThan(bound); // the bound is really reached
    expect(most).toBeLessThanOrEqual(bound);
    expect(most).toBeGreaterThan(0);
    expect(cachedKeyframes).toBeGreaterThan(0);
  });

  it('runs no encoder for JPEG consumers, and stops the encoder when its last consumer leaves', async () => {
    const stream = await open();
    const frames = stream.frames({});
    await frames.next();
    expect((await stream.stats()).find((s) => s.cameraId === 'cam')?.videoEncoders).toEqual({});
    const video = stream.video({});
    await take(video, 2);
    const running = (await stream.stats()).find((s) => s.cameraId === 'cam')?.videoEncoders ?? {};
    expect(Object.keys(running)).toEqual(['h264:full']);
    await video.return?.();
    await until(async () => Object.keys((await stream.stats()).find((s) => s.cameraId === 'cam')?.videoEncoders ?? { x: 1 }).length === 0, 'the encoder to stop');
    await frames.return();
  });
});
