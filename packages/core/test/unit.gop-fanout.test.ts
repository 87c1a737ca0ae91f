/**
 * GopFanout and the video iterator on their own: late joiners from the last
 * keyframe, slow sinks dropping to the next keyframe (counted), the byte
 * bound, and the iterator's skip to a newer keyframe.
 */
import { describe, expect, it } from 'vitest';
import { GopFanout, type GopChunk, VideoIterator, type VideoChunk } from '@servercam/core';

let seq = 0;
const chunk = (keyframe: boolean, bytes = 10): GopChunk & { seq: number } => ({ keyframe, data: new Uint8Array(bytes), seq: ++seq });
const video = (keyframe: boolean, bytes = 10): VideoChunk => ({
  cameraId: 'c', seq: ++seq, capturedAt: 0, keyframe, codec: 'avc1.64001f', description: keyframe ? new Uint8Array(1) : undefined,
  width: 2, height: 2, data: new Uint8Array(bytes), variant: 'h264:full',
});

describe('GopFanout', () => {
  it('replays the current GOP to a late joiner, from its keyframe, then goes on live', () => {
    const fanout = new GopFanout<ReturnType<typeof chunk>>({ maxBytes: 1000 });
    const [k1, p1, k2, p2, p3] = [chunk(true), chunk(false), chunk(true), chunk(false), chunk(false)];
    for (const c of [k1, p1, k2, p2, p3]) fanout.push(c!);
    const got: number[] = [];
    fanout.add({ write: (c) => (got.push(c.seq), true) });
    const p4 = chunk(false);
    fanout.push(p4);
    expect(got).toEqual([k2!.seq, p2!.seq, p3!.seq, p4.seq]);
  });

  it('gives a joiner nothing before the first keyframe, and does not count those as drops', () => {
    const fanout = new GopFanout<ReturnType<typeof chunk>>({ maxBytes: 1000 });
    const got: number[] = [];
    const subscription = fanout.add({ write: (c) => (got.push(c.seq), true) });
    fanout.push(chunk(false));
    const key = chunk(true);
    fanout.push(key);
    expect(got).toEqual([key.seq]);
    expect(subscription.dropped).toBe(0);
  });

  it('drops a sink that refused a chunk until the next keyframe, counting each drop', () => {
    const fanout = new GopFanout<ReturnType<typeof chunk>>({ maxBytes: 1000 });
    let refuse = false;
    const got: number[] = [];
    const subscription = fanout.add({ write: (c) => (refuse ? false : (got.push(c.seq), true)) });
    fanout.push(chunk(true));
    refuse = true;
    fanout.push(chunk(false)); // refused
    refuse = false;
    fanout.push(chunk(false)); // skipped: waits for a keyframe
    fanout.push(chunk(false)); // skipped
    const key = chunk(true);
    fanout.push(key);
    expect(got.at(-1)).toBe(key.seq);
    expect(got).toHaveLength(2);
    expect(subscription.dropped).toBe(3);
  });

  it('never caches more than maxBytes; a GOP past it is forgotten until the next keyframe', () => {
    const fanout = new GopFanout<ReturnType<typeof chunk>>({ maxBytes: 35 });
    fanout.push(chunk(true, 10));
    fanout.push(chunk(false, 10));
    fanout.push(chunk(false, 10));
    expect(fanout.cachedBytes).toBe(30);
    fanout.push(chunk(false, 10));
    expect(fanout.cachedBytes).toBe(0);
    fanout.push(chunk(false, 1));
    expect(fanout.cachedChunks).toBe(0);
    fanout.push(chunk(true, 10));
    expect(fanout.cachedChunks).toBe(1);
    fanout.push(chunk(true, 50)); // a keyframe past the bound is not cached either
    expect(fanout.cachedBytes).toBe(0);
  });
});

describe('VideoIterator', () => {
  it('skips unread chunks when a newer keyframe comes, counting them', async () => {
    const iterator = new VideoIterator(1000, () => {});
    const chunks = [video(true), video(false), video(false)];
    for (const c of chunks) iterator.write(c);
    const key = video(true);
    iterator.write(key);
    expect((await iterator.next()).value).toBe(key);
    expect(iterator.dropped).toBe(3);
  });

  it('refuses a chunk past its byte bound', () => {
    const iterator = new VideoIterator(25, () => {});
    expect(iterator.write(video(true, 10))).toBe(true);
    expect(iterator.write(video(false, 10))).toBe(true);
    expect(iterator.write(video(false, 10))).toBe(false);
  });

  it('throws the failure once, then ends', async () => {
    let closed = 0;
    const iterator = new VideoIterator(1000, () => closed++);
    const error = new Error('encoder gone');
    iterator.fail(error);
    await expect(iterator.next()).rejects.toBe(error);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
