/**
 * The variant cap, live: however many widths consumers ask for, a camera
 * encodes at most `maxVariantsPerCamera` sizes per frame (counted by the
 * capture side's own stats), and every frame says its real size.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Frame, ServerVideoStream, type ServerVideoStreamOptions } from '@servercam/core';
import { jpegSize } from './helpers/media.ts';
import { until } from './helpers/wait.ts';
// The test kit's, by path (the core's tests may not depend on @servercam/testing).
import { encodesPerFrame } from '../../testing/src/stats.ts';

const streams: ServerVideoStream[] = [];
async function open(options: Partial<ServerVideoStreamOptions> = {}): Promise<ServerVideoStream> {
  const stream = new ServerVideoStream({ cameras: [{ id: 'cam', source: 'synthetic:640x480@10' }], fps: 10, ...options });
  streams.push(stream);
  await stream.start(['cam']);
  return stream;
}
afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
});

describe('the variant cap', () => {
  it('encodes at most maxVariantsPerCamera sizes per frame, whatever 60 consumers of distinct widths ask', async () => {
    const stream = await open();
    const received = Array.from({ length: 60 }, () => [] as Frame[]);
    const stops = received.map((frames, i) => stream.subscribe({ maxWidth: 16 + i * 10 }, (frame) => void frames.push(frame)));
    await until(() => received.every((frames) => frames.length > 0), 'a frame for every consumer');
    const { perFrame, captured } = await encodesPerFrame(stream, 1500);
    stops.forEach((stop) => stop());
    expect(captured).toBeGreaterThan(5);
    // Six sizes are asked for (96, 160, 240, 320, 480 and full); four are made.
    expect(perFrame).toBeLessThanOrEqual(4 + 4 / captured);
    expect(new Set(received.flatMap((frames) => frames.map((frame) => frame.width))).size).toBeLessThanOrEqual(4);
  });

  it('reports the size that was really encoded', async () => {
    const stream = await open({ maxVariantsPerCamera: 2 });
    const frames: Frame[] = [];
    const stops = [stream.subscribe({ maxWidth: 320 }, () => {}), stream.subscribe({ maxWidth: 100 }, (frame) => void frames.push(frame))];
    await until(() => frames.length >= 3, 'frames of the consumer past the cap');
    stops.forEach((stop) => stop());
    for (const frame of frames) expect(jpegSize(frame.data)).toEqual({ width: frame.width, height: frame.height });
    expect(frames[0]).toMatchObject({ width: 320, height: 240, variant: 'w320' });
  });

  it('gives a consumer past the cap the frames of an existing variant, then its own width once a place is free', async () => {
    const stream = await open({ maxVariantsPerCamera: 2 });
    const first = new Map<number, Frame>();
    const late: Frame[] = [];
    const stopFirst = stream.subscribe({ maxWidth: 320 }, (frame) => void first.set(frame.seq, frame));
    const stopLate = stream.subscribe({ maxWidth: 160 }, (frame) => void late.push(frame));
    await until(() => late.length >= 3, 'frames past the cap');
    // The very same encode: the same frame object for a given seq.
    const shared = late.find((frame) => first.has(frame.seq))!;
    expect(shared).toBe(first.get(shared.seq));
    stopFirst();
    await until(() => late.at(-1)!.width === 160, 'its own width once the 320 consumer left');
    stopLate();
  });

  it('gives a width at least the camera\'s its full size, the same frames as value', async () => {
    const stream = await open();
    const values = new Map<number, Frame>();
    stream.on('value', (frame) => void values.set(frame.seq, frame));
    const frames: Frame[] = [];
    const stop = stream.subscribe({ maxWidth: 1000 }, (frame) => void frames.push(frame));
    await until(() => frames.length >= 3, 'frames');
    stop();
    expect(frames[2]).toMatchObject({ width: 640, height: 480, variant: 'full' });
    expect(frames[2]).toBe(values.get(frames[2]!.seq));
  });

  it('shares one encode among the rates of a width: maxFps never multiplies encodes', async () => {
    const stream = await open();
    const received = Array.from({ length: 20 }, () => [] as Frame[]);
    const stops = received.map((frames, i) => stream.subscribe({ maxWidth: 320, maxFps: 1 + i / 2 }, (frame) => void frames.push(frame)));
    await until(() => received.every((frames) => frames.length > 0), 'a frame for every consumer');
    const { perFrame, captured } = await encodesPerFrame(stream, 1500);
    stops.forEach((stop) => stop());
    expect(captured).toBeGreaterThan(5);
    // full (for value) + w320, each at most once per captured frame.
    expect(perFrame).toBeLessThanOrEqual(2 + 2 / captured);
  });
});
