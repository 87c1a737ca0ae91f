/**
 * The spare H.264 encoder (`tuning.videoStandby`): an ffmpeg started ahead on
 * the active camera, taken by the first video consumer of the full-size
 * variant, so that consumer does not wait for ffmpeg to start. On the real
 * encoder; no timing is asserted (the bench's first-picture scenario measures it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerVideoStream, type ServerVideoStreamOptions, VideoEncoderFailed } from '@servercam/core';
import { expectDecodes, takeChunks } from './helpers/h264.ts';
import { restoreEnvAfterEach } from './helpers/env.ts';
import { processAlive, until } from './helpers/wait.ts';
import { cameraStats } from '../../testing/src/stats.ts';

const streams: ServerVideoStream[] = [];
async function open(options: Partial<ServerVideoStreamOptions> = {}): Promise<ServerVideoStream> {
  const stream = new ServerVideoStream({
    cameras: [{ id: 'cam', source: 'synthetic:320x240@25' }, { id: 'other', source: 'synthetic:160x120@25' }],
    fps: 25,
    ...options,
  });
  streams.push(stream);
  await stream.start(['cam']);
  return stream;
}
restoreEnvAfterEach('SERVERCAM_FFMPEG');
afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
});


/** The spare's pid, once there is one on `cameraId` (other than `not`). */
function spare(stream: ServerVideoStream, cameraId = 'cam', not?: number): Promise<number> {
  return until(async () => {
    const pid = (await cameraStats(stream, cameraId)).videoSpare;
    return pid !== undefined && pid !== not ? pid : undefined;
  }, `a spare encoder on ${cameraId}`, 15_000);
}

/** Waits for `count` more frames captured on `cameraId`. */
async function captureFor(stream: ServerVideoStream, count: number, cameraId = 'cam'): Promise<void> {
  const from = (await cameraStats(stream, cameraId)).captured;
  await until(async () => (await cameraStats(stream, cameraId)).captured >= from + count, `${count} frames of ${cameraId}`, 15_000);
}


describe('the spare H.264 encoder', () => {
  it('is started ahead on the active camera, while no one asks for video', async () => {
    const stream = await open();
    const pid = await spare(stream);
    expect(processAlive(pid)).toBe(true);
    expect((await cameraStats(stream)).videoEncoders).toEqual({});
  });

  it("becomes the first full-size video consumer's encoder, whose chunks start at a keyframe and decode", async () => {
    const stream = await open();
    const pid = await spare(stream);
    const video = stream.video({});
    const chunks = await takeChunks(video, 10);
    const encoders = (await cameraStats(stream)).videoEncoders ?? {};
    await video.return?.();
    expect(encoders['h264:full']?.pid).toBe(pid);
    expect(chunks[0]).toMatchObject({ keyframe: true, width: 320, height: 240 });
    expect(chunks[0]!.description).toBeInstanceOf(Uint8Array);
    expectDecodes(chunks);
  });

  it('is replaced by a new spare once taken', async () => {
    const stream = await open();
    const first = await spare(stream);
    const video = stream.video({});
    await takeChunks(video, 2);
    const second = await spare(stream, 'cam', first);
    const encoders = (await cameraStats(stream)).videoEncoders ?? {};
    await video.return?.();
    expect(second).not.toBe(first);
    expect(encoders['h264:full']?.pid).toBe(first);
  });

  it('is not taken by a variant of another size: that one starts its own encoder', async () => {
    const stream = await open();
    const pid = await spare(stream);
    const video = stream.video({ maxWidth: 160 });
    await takeChunks(video, 2);
    const encoders = (await cameraStats(stream)).videoEncoders ?? {};
    await video.return?.();
    expect(encoders['h264:w160']?.pid).not.toBe(pid);
    expect((await cameraStats(stream)).videoSpare).toBe(pid);
  });

  it('follows the active camera: the old camera\'s spare process ends', async () => {
    const stream = await open();
    const old = await spare(stream);
    stream.activeCameraId = 'other';
    const moved = await spare(stream, 'other');
    await until(() => !processAlive(old), 'the old spare to end');
    expect(moved).not.toBe(old);
    expect((await cameraStats(stream, 'cam')).videoSpare).toBeUndefined();
  });

  it('ends as soon as its camera stops being the active one, even while the stream is paused (its loop captures nothing)', async () => {
    const stream = await open();
    const old = await spare(stream);
    stream.paused = true;
    stream.activeCameraId = 'other';
    await until(() => !processAlive(old), 'the old spare to end');
    expect((await cameraStats(stream, 'cam')).videoSpare).toBeUndefined();
  });

  it('is started again for a new quality (the encoder settings change)', async () => {
    const stream = await open();
    const before = await spare(stream);
    stream.quality = 40;
    const after = await spare(stream, 'cam', before);
    await until(() => !processAlive(before), 'the old spare to end');
    expect(after).not.toBe(before);
  });

  it('is not started while the settings keep changing: new settings must stay for 2 s first', async () => {
    const stream = await open();
    await spare(stream);
    // A change every 250 ms for 3 s: far under the 2 s the settings must stay, even on a loaded machine.
    for (let i = 0; i < 12; i++) {
      stream.quality = 40 + (i % 2) * 10;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await cameraStats(stream)).videoSpare).toBeUndefined();
    await spare(stream);
  });

  it('ends with the stream', async () => {
    const stream = await open();
    const pid = await spare(stream);
    await stream.close();
    await until(() => !processAlive(pid), 'the spare to end');
  });

  it('is not started with tuning.videoStandby false', async () => {
    const stream = await open({ tuning: { videoStandby: false } });
    // Past the 2 s of live capture after which a spare starts.
    await captureFor(stream, 75);
    expect((await cameraStats(stream)).videoSpare).toBeUndefined();
  });

  it('whose ffmpeg exits at once is started once, not again and again, and the video consumer still gets the error', async () => {
    // A stand-in for ffmpeg that notes each start and fails.
    const dir = mkdtempSync(join(tmpdir(), 'servercam-spare-'));
    const starts = join(dir, 'starts');
    const fake = join(dir, 'ffmpeg');
    writeFileSync(fake, `#!/bin/sh\necho start >> '${starts}'\nexit 1\n`, { mode: 0o755 });
    const count = () => (existsSync(starts) ? readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0);
    try {
      process.env['SERVERCAM_FFMPEG'] = fake;
      const stream = await open({ isolation: 'process' });
      await until(() => count() === 1, 'the spare to be tried');
      // 3 s more of capture: no second try (spares stop for 30 s after a failed one).
      await captureFor(stream, 75);
      expect(count()).toBe(1);
      expect(stream.camera('cam')).toMatchObject({ status: 'live', error: undefined });
      const video = stream.video({});
      const error: unknown = await video.next().then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(VideoEncoderFailed);
      expect(count()).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without an encoder (SERVERCAM_FFMPEG names no file), is not started, and the camera reports no error', async () => {
    // The capture process takes the environment it is forked with.
    process.env['SERVERCAM_FFMPEG'] = '/nonexistent/servercam-test/ffmpeg';
    const stream = await open({ isolation: 'process' });
    await captureFor(stream, 75);
    expect((await cameraStats(stream)).videoSpare).toBeUndefined();
    expect(stream.camera('cam')).toMatchObject({ status: 'live', error: undefined });
  });
});
