/**
 * A missing or failing H.264 encoder is a typed error on the video
 * consumers, never a crash, and JPEG consumers of the same camera go on.
 */
import process from 'node:process';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type Frame, ServerVideoStream, type ServerVideoStreamOptions, VideoEncoderFailed, VideoEncoderUnavailable } from '@servercam/core';
import { restoreEnvAfterEach } from './helpers/env.ts';
import { until } from './helpers/wait.ts';
import { cameraStats } from '../../testing/src/stats.ts';

const streams: ServerVideoStream[] = [];
async function open(options: Partial<ServerVideoStreamOptions> = {}): Promise<ServerVideoStream> {
  const stream = new ServerVideoStream({ cameras: [{ id: 'cam', source: 'synthetic:320x240@25' }], fps: 25, ...options });
  streams.push(stream);
  await stream.start(['cam']);
  return stream;
}
restoreEnvAfterEach('SERVERCAM_FFMPEG');
afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
});

/** Counts the frames a JPEG consumer gets from now on. */
function countFrames(stream: ServerVideoStream): { readonly count: number; stop(): void } {
  const frames: Frame[] = [];
  const stop = stream.subscribe({}, (frame) => void frames.push(frame));
  return { get count() { return frames.length; }, stop };
}

async function encoderPid(stream: ServerVideoStream): Promise<number> {
  return until(async () => {
    const encoders = (await cameraStats(stream)).videoEncoders ?? {};
    return Object.values(encoders)[0]?.pid;
  }, 'a running encoder');
}

describe('H.264 encoder errors', () => {
  it('a missing encoder (SERVERCAM_FFMPEG names no file) throws VideoEncoderUnavailable on the iterator, and JPEG goes on', async () => {
    // The capture process takes the environment it is forked with.
    process.env['SERVERCAM_FFMPEG'] = '/nonexistent/servercam-test/ffmpeg';
    const stream = await open({ isolation: 'process' });
    const jpeg = countFrames(stream);
    const video = stream.video({});
    const error: unknown = await video.next().then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(VideoEncoderUnavailable);
    expect(error).toMatchObject({ code: ErrorCode.VideoEncoderUnavailable, cameraId: 'cam' });
    expect((error as Error).message).toMatch(/SERVERCAM_FFMPEG.*apt-get install ffmpeg/s);
    expect(await video.next()).toEqual({ value: undefined, done: true });
    const after = jpeg.count;
    await until(() => jpeg.count > after + 5, 'JPEG frames after the error');
    expect(stream.camera('cam')?.status).toBe('live');
    jpeg.stop();
  });

  it('an encoder killed mid-stream throws VideoEncoderFailed on the iterator, and JPEG goes on', async () => {
    const stream = await open();
    const jpeg = countFrames(stream);
    const video = stream.video({});
    await video.next();
    process.kill(await encoderPid(stream), 'SIGKILL');
    let error: unknown;
    try {
      for await (const _chunk of video) { /* drain until the error */ }
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(VideoEncoderFailed);
    expect(error).toMatchObject({ code: ErrorCode.VideoEncoderFailed, cameraId: 'cam' });
    expect((error as Error).message).toMatch(/SIGKILL/);
    const after = jpeg.count;
    await until(() => jpeg.count > after + 5, 'JPEG frames after the crash');
    jpeg.stop();
  });

  it('a consumer within the backoff after a crash gets the error at once; one after it gets video from a new encoder', async () => {
    const stream = await open();
    const errors: unknown[] = [];
    const first = stream.video({});
    await first.next();
    const pid = await encoderPid(stream);
    process.kill(pid, 'SIGKILL');
    try {
      for await (const _chunk of first) { /* pictures out before the kill, then the error */ }
    } catch (error) {
      errors.push(error);
    }
    const again = stream.video({});
    await again.next().catch((error: unknown) => errors.push(error));
    expect(errors.map((error) => (error as VideoEncoderFailed).code)).toEqual([ErrorCode.VideoEncoderFailed, ErrorCode.VideoEncoderFailed]);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // the first backoff is 1 s
    const later = stream.video({});
    const { value } = await later.next();
    const newPid = await encoderPid(stream);
    await later.return?.();
    expect(value).toMatchObject({ keyframe: true, cameraId: 'cam' });
    expect(newPid).not.toBe(pid);
  });

  it('subscribeVideo hands the typed error to onError and ends', async () => {
    process.env['SERVERCAM_FFMPEG'] = '/nonexistent/servercam-test/ffmpeg';
    const stream = await open({ isolation: 'process' });
    const errors: unknown[] = [];
    const stop = stream.subscribeVideo({}, () => {}, (error) => errors.push(error));
    await until(() => errors.length > 0, 'the error');
    stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(VideoEncoderUnavailable);
  });
});
