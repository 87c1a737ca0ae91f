/**
 * `@servercam/core` under Deno, from its TypeScript sources: the synthetic
 * backend through the worker-thread capture loop, settings, pause and
 * resume, switching cameras, typed errors and close(). The OpenCV backend is
 * a NAN addon that Deno cannot load: a source that needs it fails with
 * `BackendUnavailable`, saying why.
 *
 * Run: `pnpm test:deno` (or `deno test -A runtime-tests/deno/`).
 * @module
 */
import assert from 'node:assert/strict';
import {
  BackendUnavailable,
  ErrorCode,
  type Frame,
  InvalidSettings,
  isServercamError,
  ServercamError,
  ServerVideoStream,
  type StreamSettings,
} from '../../packages/core/src/index.ts';
import { jpegSize, makeVideo, take, until, within } from './helpers.ts';

const cameras = [
  { id: 'wide', label: 'Wide', source: 'synthetic:320x240@30' },
  { id: 'small', label: 'Small', source: 'synthetic:160x120@30' },
] as const;

function stream(): ServerVideoStream {
  return new ServerVideoStream({ cameras: [...cameras], fps: 30 });
}

Deno.test('the runtime is Deno', () => {
  assert.equal(typeof Deno.version.deno, 'string');
  assert.match(Deno.version.deno, /^2\./);
});

Deno.test('frames arrive in order as whole JPEGs of the camera size', async () => {
  await using s = stream();
  await s.start(['wide']);
  const frames = await within(take(s.frames(), 5), '5 frames');
  for (const frame of frames) {
    assert.equal(frame.cameraId, 'wide');
    assert.equal(frame.mimeType, 'image/jpeg');
    assert.deepEqual({ width: frame.width, height: frame.height }, { width: 320, height: 240 });
    assert.deepEqual(jpegSize(frame.data), { width: 320, height: 240 });
  }
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i]!.seq > frames[i - 1]!.seq, `seq ${frames[i]!.seq} after ${frames[i - 1]!.seq}`);
});

Deno.test('a maxWidth variant is scaled, keeping the aspect ratio', async () => {
  await using s = stream();
  await s.start();
  const [frame] = await within(take(s.frames({ maxWidth: 160 }), 1), 'a scaled frame');
  assert.equal(frame!.variant, 'w160');
  assert.deepEqual(jpegSize(frame!.data), { width: 160, height: 120 });
  // Under load the first scaled frame can be delivered before `value` holds a full-size one.
  const value = await until(() => s.value, 'the first full-size value');
  assert.deepEqual(jpegSize(value.data), { width: 320, height: 240 }, 'value stays full size');
});

Deno.test('settings changes apply to the stream and reach every listener', async () => {
  await using s = stream();
  const seen: StreamSettings[] = [];
  s.on('settings', (settings) => seen.push(settings));
  const next = s.update({ fps: 12, quality: 55 });
  assert.deepEqual({ fps: next.fps, quality: next.quality }, { fps: 12, quality: 55 });
  assert.equal(s.fps, 12);
  assert.equal(s.quality, 55);
  assert.deepEqual(seen, [next]);
});

Deno.test('invalid settings throw InvalidSettings naming the field, and change nothing', async () => {
  await using s = stream();
  const before = s.settings;
  for (const [patch, field] of [
    [{ fps: -1 }, 'fps'],
    [{ quality: 0 }, 'quality'],
    [{ fps: 5, activeCameraId: 'nope' }, 'activeCameraId'],
  ] as const) {
    assert.throws(() => s.update(patch), (error: unknown) => {
      assert.ok(error instanceof InvalidSettings, `${String(error)} is InvalidSettings`);
      assert.ok(error instanceof ServercamError);
      assert.equal(error.code, ErrorCode.InvalidSettings);
      assert.equal(error.field, field);
      return true;
    });
  }
  assert.equal(s.settings, before);
});

Deno.test('pause stops capture and keeps the last frame; resume restarts it', async () => {
  await using s = stream();
  await s.start();
  const frames: Frame[] = [];
  const stop = s.subscribe({}, (frame) => void frames.push(frame));
  try {
    await until(() => frames.length >= 2, 'frames before pausing');
    s.paused = true;
    await until(() => s.camera('wide')?.status === 'paused', 'status paused');
    const last = s.value!;
    const count = frames.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(s.value, last, 'value is kept while paused');
    assert.ok(frames.length <= count + 1, 'at most the frame in flight arrives after the pause');
    const pausedAt = frames.length;
    s.paused = false;
    await until(() => frames.length >= pausedAt + 2, 'frames after resuming');
    assert.equal(s.camera('wide')?.status, 'live');
    assert.ok(frames.at(-1)!.seq > last.seq);
  } finally {
    stop();
  }
});

Deno.test('switching the active camera switches value and the consumers that follow it', async () => {
  await using s = stream();
  await s.start();
  const frames = s.frames();
  try {
    const first = await within(frames.next(), 'a frame of wide');
    assert.equal(first.done, false);
    assert.equal(first.value?.cameraId, 'wide');
    s.activeCameraId = 'small';
    const next = await until(() => s.value?.cameraId === 'small' ? s.value : undefined, 'value from small');
    assert.deepEqual(jpegSize(next.data), { width: 160, height: 120 });
    // The consumer without a camera id follows: after any frame in flight, frames come from small.
    const after = await within((async () => {
      for await (const frame of frames) if (frame.cameraId === 'small') return frame;
      throw new Error('the consumer ended');
    })(), 'a consumer frame from small');
    assert.deepEqual(jpegSize(after.data), { width: 160, height: 120 });
  } finally {
    await frames.return();
  }
});

Deno.test('a consumer may name a camera that is not the active one', async () => {
  await using s = stream();
  await s.start();
  const [frame] = await within(take(s.frames({ cameraId: 'small' }), 1), 'a frame of small');
  assert.equal(frame!.cameraId, 'small');
  assert.equal(s.activeCameraId, 'wide');
  assert.deepEqual(jpegSize(frame!.data), { width: 160, height: 120 });
});

Deno.test('an OpenCV source fails with BackendUnavailable, explaining NAN vs Node-API', async () => {
  const video = makeVideo({ width: 320, height: 240, fps: 15, seconds: 1, dir: await Deno.makeTempDir({ prefix: 'servercam-deno-' }) });
  await using s = new ServerVideoStream({ cameras: [{ id: 'file', source: video }] });
  const error = await s.start(['file']).then(
    () => assert.fail('start() resolved'),
    (error: unknown) => error,
  );
  assert.ok(error instanceof BackendUnavailable, `${String(error)} is BackendUnavailable`);
  assert.ok(isServercamError(error));
  assert.equal(error.code, ErrorCode.BackendUnavailable);
  assert.equal(error.cameraId, 'file');
  assert.match(error.message, /Deno/);
  assert.match(error.message, /NAN addon/);
  assert.match(error.message, /Node-API/);
  const info = await until(() => s.camera('file')?.status === 'error' ? s.camera('file') : undefined, 'camera status error');
  assert.equal(info.error?.code, ErrorCode.BackendUnavailable);
  await Deno.remove(video.slice(0, video.lastIndexOf('/')), { recursive: true });
});

Deno.test('close() ends every consumer and the stream refuses to start again', async () => {
  const s = stream();
  await s.start();
  const frames = s.frames();
  await within(take(s.frames(), 1), 'a first frame');
  const ended = (async () => {
    let count = 0;
    for await (const _ of frames) count++;
    return count;
  })();
  await s.close();
  await within(ended, 'the consumer to end');
  await assert.rejects(s.start(), /closed/);
  assert.equal(s.value?.cameraId, 'wide', 'the last frame is still readable');
});

Deno.test('H.264 video: the encoder runs as a child process under Deno; chunks start at a keyframe with its description', async () => {
  await using s = stream();
  await s.start(['wide']);
  const video = s.video({ maxWidth: 160 });
  const chunks = await within(take(video, 10), '10 video chunks');
  const first = chunks[0]!;
  assert.equal(first.keyframe, true);
  assert.ok(first.description instanceof Uint8Array && first.description[0] === 1, 'an avcC record');
  assert.match(first.codec, /^avc1\.[0-9a-f]{6}$/);
  assert.deepEqual({ width: first.width, height: first.height, variant: first.variant }, { width: 160, height: 120, variant: 'h264:w160' });
  for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i]!.seq > chunks[i - 1]!.seq);
});
