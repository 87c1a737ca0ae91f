import { afterEach, expect, it } from 'vitest';
import { CannotOpenCamera, ServerVideoStream, type ServerVideoStreamOptions } from '@servercam/core';
import { makeVideo, tempPath } from './helpers/media.ts';
import { describeOpenCv } from './helpers/opencv.ts';
import { framesFor, until, untilStatus } from './helpers/wait.ts';

describeOpenCv('OpenCV: cameras that cannot be opened', () => {
  const streams: ServerVideoStream[] = [];
  function open(options: ServerVideoStreamOptions): ServerVideoStream {
    const stream = new ServerVideoStream({ tuning: { reconnectMinMs: 100, reconnectMaxMs: 400 }, ...options });
    streams.push(stream);
    return stream;
  }
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });

  async function startError(stream: ServerVideoStream, id: string): Promise<CannotOpenCamera> {
    const error = await stream.start([id]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CannotOpenCamera);
    return error as CannotOpenCamera;
  }

  it('a missing video file gives CannotOpenCamera naming the file', async () => {
    const missing = tempPath('no-such-video.mp4');
    const stream = open({ cameras: [{ id: 'gone', source: missing }] });
    const error = await startError(stream, 'gone');
    expect(error.code).toBe('CANNOT_OPEN_CAMERA');
    expect(error.cameraId).toBe('gone');
    expect(error.message).toContain(`video file not found: ${missing}`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a camera that fails to open in start() shows ERROR with the error, even with nobody watching', async () => {
    const stream = open({ cameras: [{ id: 'ok', source: 'synthetic:64x48' }, { id: 'gone', source: tempPath('missing-too.mp4') }] });
    await startError(stream, 'gone');
    const info = stream.camera('gone')!;
    expect(info.status).toBe('error');
    expect(info.error).toMatchObject({ code: 'CANNOT_OPEN_CAMERA' });
    expect(info.consumers).toBe(0);
    // What viewers see names the file, not the server's directory layout.
    expect(info.error!.message).toContain('video file not found: missing-too.mp4');
    expect(info.error!.message).not.toContain(tempPath(''));
  });

  it('a missing device by index gives an actionable CannotOpenCamera, not an undefined message', async () => {
    const stream = open({ cameras: [{ id: 'usb', source: 9 }] });
    const error = await startError(stream, 'usb');
    expect(error.message).toMatch(/Cannot open camera "usb" \(9\): no usable video device 9\. Check that the camera is plugged in/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a missing device by path gives CannotOpenCamera', async () => {
    const stream = open({ cameras: [{ id: 'v4l', source: '/dev/video9' }] });
    const error = await startError(stream, 'v4l');
    expect(error.message).toContain('no usable video device /dev/video9');
  });

  it('a file that is not a video gives CannotOpenCamera', async () => {
    const stream = open({ cameras: [{ id: 'txt', source: new URL(import.meta.url).pathname }] });
    const error = await startError(stream, 'txt');
    expect(error.message).toContain('could not be decoded as video');
  });

  it('a failing camera reports ERROR with its error and keeps retrying, while another camera streams', async () => {
    const stream = open({
      cameras: [
        { id: 'ok', source: makeVideo({ width: 160, height: 120, fps: 25, seconds: 4 }) },
        { id: 'gone', source: tempPath('also-missing.mp4') },
      ],
      fps: 20,
    });
    await stream.start();
    const stop = stream.subscribe({ cameraId: 'gone' }, () => {});
    const info = await untilStatus(stream, 'gone', 'error');
    expect(info.error).toMatchObject({ code: 'CANNOT_OPEN_CAMERA' });
    expect(info.error!.message).toContain('video file not found');
    const frames = await framesFor(stream, { cameraId: 'ok' }, 1000);
    expect(frames.length).toBeGreaterThan(10);
    expect(stream.camera('gone')!.status).toBe('error');
    stop();
  });

  it('a camera whose file appears later goes live by itself', async () => {
    const path = tempPath('appears-later.mp4');
    const stream = open({ cameras: [{ id: 'late', source: path }], fps: 20 });
    await stream.start().catch(() => {});
    await untilStatus(stream, 'late', 'error');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(makeVideo({ width: 160, height: 120, fps: 25, seconds: 4 }), path);
    await untilStatus(stream, 'late', 'live');
    const frame = await until(() => stream.value, 'a frame');
    expect(frame.width).toBe(160);
    expect(stream.camera('late')!.error).toBeUndefined();
  });
});
