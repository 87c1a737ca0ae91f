/**
 * The OpenCV backend feeds the H.264 encoder too (BGR frames from an H.264
 * file): the chunks decode with no error at the file's size.
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { afterEach, expect, it } from 'vitest';
import { ServerVideoStream, type VideoChunk, VideoEncoderUnavailable } from '@servercam/core';
import { expectDecodes, expectSameColours, probe } from './helpers/h264.ts';
import { FfmpegMjpegServer, freePort, makeVideo, mediaTool, tempPath } from './helpers/media.ts';
import { restoreEnvAfterEach } from './helpers/env.ts';
import { describeOpenCv } from './helpers/opencv.ts';

describeOpenCv('H.264 video, OpenCV file backend', () => {
  const streams: ServerVideoStream[] = [];
  const cameras: FfmpegMjpegServer[] = [];
  restoreEnvAfterEach('SERVERCAM_FFMPEG');
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
    await Promise.all(cameras.splice(0).map((camera) => camera.stop()));
  });

  it('encodes the frames of a video file into chunks that decode with no error', async () => {
    const source = makeVideo({ width: 320, height: 240, fps: 25, seconds: 4 });
    const stream = new ServerVideoStream({ cameras: [{ id: 'file', source }] });
    streams.push(stream);
    await stream.start(['file']);
    const chunks: VideoChunk[] = [];
    for await (const chunk of stream.video({})) {
      chunks.push(chunk);
      if (chunks.length >= 30) break;
    }
    expect(chunks[0]).toMatchObject({ cameraId: 'file', keyframe: true, width: 320, height: 240 });
    const file = expectDecodes(chunks);
    expect(probe(file)).toMatchObject({ width: 320, height: 240, nb_read_frames: String(chunks.length) });
  });

  it('encodes a camera of odd size (BGR, cropped by the encoder to even) into chunks that decode', async () => {
    // 4:2:0 needs even sizes: an odd frame goes to the encoder as BGR, which crops a column and a row.
    const source = tempPath('odd-321x241.mkv');
    const made = spawnSync(mediaTool('ffmpeg'), ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=321x241:rate=25', '-t', '3', '-c:v', 'ffv1', source], { encoding: 'utf8' });
    expect(made.stderr).toBe('');
    const stream = new ServerVideoStream({ cameras: [{ id: 'odd', source }] });
    streams.push(stream);
    await stream.start(['odd']);
    const chunks: VideoChunk[] = [];
    for await (const chunk of stream.video({})) {
      chunks.push(chunk);
      if (chunks.length >= 20) break;
    }
    expect(chunks[0]).toMatchObject({ cameraId: 'odd', keyframe: true, width: 320, height: 240 });
    expect(probe(expectDecodes(chunks))).toMatchObject({ width: 320, height: 240, nb_read_frames: String(chunks.length) });
  });

  it('keeps the colours of the BGR frames (the picture matches the JPEG of the same frame)', async () => {
    const source = makeVideo({ width: 320, height: 240, fps: 25, seconds: 4 });
    const stream = new ServerVideoStream({ cameras: [{ id: 'file', source }] });
    streams.push(stream);
    await stream.start(['file']);
    await expectSameColours(stream, 'file');
  });

  it('an encoder error of a camera with credentials shows its password nowhere, causes included', async () => {
    const password = 'video-secret-4711';
    const camera = new FfmpegMjpegServer(await freePort(), { username: 'admin', password });
    cameras.push(camera);
    await camera.start();
    // The missing encoder's path holds the password: the error quotes it (the capture process is forked with it).
    process.env['SERVERCAM_FFMPEG'] = `/nonexistent/${password}/ffmpeg`;
    const stream = new ServerVideoStream({
      cameras: [{ id: 'ip', source: camera.url, credentials: { username: 'admin', password } }],
      isolation: 'process',
      tuning: { reconnectMinMs: 100, reconnectMaxMs: 300 },
    });
    streams.push(stream);
    await stream.start(['ip']);
    const error = await stream.video({}).next().then(() => undefined, (thrown: unknown) => thrown as Error);
    expect(error).toBeInstanceOf(VideoEncoderUnavailable);
    const messages: string[] = [];
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) messages.push(cause.message);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.join('\n')).toContain('/nonexistent/');
    expect(messages.join('\n')).not.toContain(password);
  });
});
