/**
 * The OpenCV backend feeds the H.264 encoder too (BGR frames from an H.264
 * file): the chunks decode with no error at the file's size.
 */
import { afterEach, expect, it } from 'vitest';
import { ServerVideoStream, type VideoChunk } from '@servercam/core';
import { decodeErrors, expectSameColours, probe, writeH264 } from './helpers/h264.ts';
import { makeVideo } from './helpers/media.ts';
import { describeOpenCv } from './helpers/opencv.ts';

describeOpenCv('H.264 video, OpenCV file backend', () => {
  const streams: ServerVideoStream[] = [];
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
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
    const file = writeH264(chunks);
    expect(decodeErrors(file)).toEqual({ status: 0, errors: '' });
    expect(probe(file)).toMatchObject({ width: 320, height: 240, nb_read_frames: String(chunks.length) });
  });

  it('keeps the colours of the BGR frames (the picture matches the JPEG of the same frame)', async () => {
    const source = makeVideo({ width: 320, height: 240, fps: 25, seconds: 4 });
    const stream = new ServerVideoStream({ cameras: [{ id: 'file', source }] });
    streams.push(stream);
    await stream.start(['file']);
    await expectSameColours(stream, 'file');
  });
});
