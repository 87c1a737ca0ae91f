import { createServer as createTcpServer, type Socket } from 'node:net';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ServerVideoStream } from '@servercam/core';
import { FfmpegMjpegServer, freePort, jpegSize, stallingMjpegServer } from './helpers/media.ts';
import { describeOpenCv } from './helpers/opencv.ts';
import { framesFor, until, untilStatus } from './helpers/wait.ts';

describeOpenCv('OpenCV: network sources that fail, hang and come back', () => {
  const streams: ServerVideoStream[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });
  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
  });

  it('reads an HTTP MJPEG stream from ffmpeg', async () => {
    const camera = new FfmpegMjpegServer(await freePort());
    cleanups.push(() => camera.stop());
    await camera.start();
    const stream = new ServerVideoStream({ cameras: [{ id: 'ip', source: camera.url }], fps: 0, tuning: { reconnectMinMs: 100, reconnectMaxMs: 300 } });
    streams.push(stream);
    await stream.start();
    const frame = await until(() => stream.value, 'a frame from ffmpeg', 15_000);
    expect(jpegSize(frame.data)).toEqual({ width: 320, height: 240 });
  });

  it('reads an HTTP MJPEG stream that wants Basic auth, with the credentials in the URL or in "credentials"', async () => {
    const camera = new FfmpegMjpegServer(await freePort(), { username: 'admin', password: 'p@ss:w/rd' });
    cleanups.push(() => camera.stop());
    await camera.start();
    const stream = new ServerVideoStream({
      cameras: [
        { id: 'inUrl', source: `http://admin:${encodeURIComponent('p@ss:w/rd')}@127.0.0.1:${camera.port}/` },
        { id: 'apart', source: camera.url, credentials: { username: 'admin', password: 'p@ss:w/rd' } },
      ],
      fps: 0,
      tuning: { reconnectMinMs: 100, reconnectMaxMs: 300 },
    });
    streams.push(stream);
    await stream.start(['inUrl', 'apart']);
    for (const cameraId of ['inUrl', 'apart']) {
      const [frame] = await framesFor(stream, { cameraId }, 3000);
      expect(jpegSize(frame!.data)).toEqual({ width: 320, height: 240 });
    }
  });

  it('a refused password is reported without the password', async () => {
    const camera = new FfmpegMjpegServer(await freePort(), { username: 'admin', password: 'right-password' });
    cleanups.push(() => camera.stop());
    await camera.start();
    const stream = new ServerVideoStream({ cameras: [{ id: 'ip', source: camera.url, credentials: { username: 'admin', password: 'wrong-password' } }] });
    streams.push(stream);
    const error = await stream.start(['ip']).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'CANNOT_OPEN_CAMERA' });
    expect(error!.message).toContain('refused the credentials');
    expect(JSON.stringify(stream.camera('ip'))).not.toContain('wrong-password');
    expect(`${error!.message} ${String((error!.cause as Error | undefined)?.message)}`).not.toContain('wrong-password');
  });

  it('CannotReadCamera when the stream stops, then LIVE again when it returns', async () => {
    const camera = new FfmpegMjpegServer(await freePort());
    cleanups.push(() => camera.stop());
    await camera.start();
    const stream = new ServerVideoStream({
      cameras: [{ id: 'ip', source: camera.url }],
      fps: 0,
      tuning: { reconnectMinMs: 100, reconnectMaxMs: 300, readTimeoutMs: 2000 },
    });
    streams.push(stream);
    const errors: string[] = [];
    stream.on('status', (info) => info.error && errors.push(info.error.code));
    await stream.start();
    await untilStatus(stream, 'ip', 'live', 15_000);

    await camera.stop();
    await untilStatus(stream, 'ip', 'error', 15_000);
    // The read fails first; the re-opens then fail while the server is down.
    expect(errors[0]).toBe('CANNOT_READ_CAMERA');
    const lastSeq = stream.value!.seq;

    await camera.start();
    await untilStatus(stream, 'ip', 'live', 20_000);
    await until(() => stream.value!.seq > lastSeq, 'frames after recovery', 10_000);
    expect(stream.camera('ip')!.error).toBeUndefined();
  });

  it('a source whose read hangs is reported, and does not stall another camera', async () => {
    const stalling = await stallingMjpegServer(60);
    cleanups.push(() => stalling.close());
    const stream = new ServerVideoStream({
      cameras: [
        { id: 'stuck', source: stalling.url },
        { id: 'fine', source: 'synthetic:160x120@20' },
      ],
      fps: 0,
      tuning: { readTimeoutMs: 1000, reconnectMinMs: 100, reconnectMaxMs: 300 },
    });
    streams.push(stream);
    await stream.start();
    const stop = stream.subscribe({ cameraId: 'fine' }, () => {});
    const stuck = await untilStatus(stream, 'stuck', 'error', 15_000);
    expect(stuck.error).toMatchObject({ code: 'CANNOT_READ_CAMERA' });
    expect(stuck.error!.message).toMatch(/no frame for 1\.0 s; the source has stalled/);
    // While the read hangs, the other camera keeps its rate.
    const frames = await framesFor(stream, { cameraId: 'fine' }, 1500);
    expect(frames.length).toBeGreaterThan(15);
    stop();
  });

  it('an unreachable stream fails to open with a message that says so', async () => {
    const port = await freePort();
    const stream = new ServerVideoStream({ cameras: [{ id: 'down', source: `rtsp://user:pw@127.0.0.1:${port}/live` }] });
    streams.push(stream);
    const error = await stream.start(['down']).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'CANNOT_OPEN_CAMERA', cameraId: 'down' });
    expect(error!.message).toContain(`(rtsp://***@127.0.0.1:${port}/live): the connection was refused`);
  });

  it('a stream server that accepts but never answers fails to open without stalling another camera', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const { port } = silent.address() as import('node:net').AddressInfo;
    const stream = new ServerVideoStream({
      cameras: [
        { id: 'silent', source: `http://127.0.0.1:${port}/video` },
        { id: 'fine', source: 'synthetic:160x120@20' },
      ],
      fps: 20,
      tuning: { openTimeoutMs: 1500, reconnectMinMs: 100, reconnectMaxMs: 200 },
    });
    streams.push(stream);
    await stream.start();
    const stopSilent = stream.subscribe({ cameraId: 'silent' }, () => {});
    const frames = await framesFor(stream, { cameraId: 'fine' }, 3000);
    // 20 fps for 3 s: the silent source's opens never blocked the worker.
    expect(frames.length).toBeGreaterThan(45);
    const info = await untilStatus(stream, 'silent', 'error');
    expect(info.error!.message).toContain('no answer within 1500 ms');
    stopSilent();
  });
});
