/**
 * The behaviour suite every capture backend must pass. A backend supplies two
 * cameras of different sizes whose own rate is `nativeFps`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type CameraConfig, ServerVideoStream, type ServerVideoStreamOptions } from '@servercam/core';
import { jpegSize } from './media.ts';
import { framesFor, until, untilStatus } from './wait.ts';
import { cameraStats, encodesPerFrame } from '../../../testing/src/stats.ts';

export interface BackendFixture {
  /** Two cameras: `big` and `small`, of different sizes. */
  cameras(): Promise<[CameraConfig & { id: 'big' }, CameraConfig & { id: 'small' }]>;
  size: { big: { width: number; height: number }; small: { width: number; height: number } };
  /** The rate the sources give on their own (fps = 0). */
  nativeFps: number;
}

export function behaviourSuite(
  name: string,
  fixture: BackendFixture,
  describeFn: typeof describe = describe,
  streamOptions: Partial<ServerVideoStreamOptions> = {},
): void {
  describeFn(`ServerVideoStream behaviour: ${name}`, () => {
    const streams: ServerVideoStream[] = [];
    async function open(options: Partial<ServerVideoStreamOptions> = {}): Promise<ServerVideoStream> {
      const stream = new ServerVideoStream({ cameras: await fixture.cameras(), fps: 20, ...streamOptions, ...options });
      streams.push(stream);
      await stream.start(['big']);
      return stream;
    }
    afterEach(async () => {
      await Promise.all(streams.splice(0).map((stream) => stream.close()));
    });

    it('opens, reads and encodes the active camera into value', async () => {
      const stream = await open();
      const frame = await until(() => stream.value, 'a first frame');
      expect(frame).toMatchObject({ cameraId: 'big', mimeType: 'image/jpeg', ...fixture.size.big });
      expect(frame.seq).toBeGreaterThanOrEqual(1);
      expect(Math.abs(frame.capturedAt - Date.now())).toBeLessThan(5000);
      expect(jpegSize(frame.data)).toEqual(fixture.size.big);
      expect(stream.camera('big')?.status).toBe('live');
    });

    // Rates are measured by the benchmark (`pnpm bench`, pipeline scenario: requested vs measured fps).
    // Here only their behaviour: frames arrive, in order, and a limit thins them.
    it('throttles capture: fps 4 delivers under half the frames of fps 0 in the same window', async () => {
      const [throttled, free] = await Promise.all([open({ fps: 4 }), open({ fps: 0 })]);
      const [few, many] = await Promise.all([framesFor(throttled, {}, 2000), framesFor(free, {}, 2000)]);
      expect(few.length).toBeGreaterThan(0);
      expect(few.length * 2).toBeLessThan(many.length);
    });

    it('captures at the source\'s own pace when fps is 0, frames in order', async () => {
      const stream = await open({ fps: 0 });
      const frames = await framesFor(stream, {}, 1500);
      expect(frames.length).toBeGreaterThan(1);
      for (let i = 1; i < frames.length; i++) {
        expect(frames[i]!.seq).toBeGreaterThan(frames[i - 1]!.seq);
        expect(frames[i]!.capturedAt).toBeGreaterThanOrEqual(frames[i - 1]!.capturedAt);
      }
    });

    it('reports a measured fps that follows the capture rate (fps 4 under half of fps 0)', async () => {
      const [throttled, free] = await Promise.all([open({ fps: 4 }), open({ fps: 0 })]);
      await Promise.all([framesFor(throttled, {}, 2200), framesFor(free, {}, 2200)]);
      const slow = throttled.camera('big')!.measuredFps;
      const fast = free.camera('big')!.measuredFps;
      expect(slow).toBeGreaterThan(0);
      expect(slow * 2).toBeLessThan(fast);
    });

    it('reports a changed measured fps in a status event, at most once a second', async () => {
      const stream = await open({ fps: 10 });
      const reports: Array<{ at: number; fps: number }> = [];
      stream.on('status', (info) => info.id === 'big' && info.status === 'live' && reports.push({ at: Date.now(), fps: info.measuredFps }));
      await until(() => reports.some((report) => report.fps > 0), 'a status event with the measured rate', 5000);
      const fpsReports = reports.filter((report) => report.fps > 0);
      for (let i = 1; i < fpsReports.length; i++) expect(fpsReports[i]!.at - fpsReports[i - 1]!.at).toBeGreaterThanOrEqual(990);
    });

    it('pause stops capture and keeps the last frame; resume restarts it', async () => {
      const stream = await open();
      await until(() => stream.value, 'a first frame');
      stream.paused = true;
      await untilStatus(stream, 'big', 'paused');
      const kept = stream.value!;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(stream.value).toBe(kept);
      stream.paused = false;
      await until(() => stream.value!.seq > kept.seq, 'capture to resume');
      expect(stream.camera('big')?.status).toBe('live');
    });

    it('switching the active camera switches value and the consumers that follow it', async () => {
      const stream = await open();
      const iterator = stream.frames();
      expect((await iterator.next()).value?.cameraId).toBe('big');
      stream.activeCameraId = 'small';
      const frame = await until(() => stream.value?.cameraId === 'small' && stream.value, 'value from the small camera');
      expect(jpegSize(frame.data)).toEqual(fixture.size.small);
      let next = await iterator.next();
      while (next.value?.cameraId === 'big') next = await iterator.next();
      expect(next.value).toMatchObject({ cameraId: 'small', ...fixture.size.small });
      await iterator.return();
    });

    it('captures a non-active camera only while something consumes it', async () => {
      const stream = await open();
      await untilStatus(stream, 'big', 'live');
      expect(stream.camera('small')?.status).toBe('idle');
      const stop = stream.subscribe({ cameraId: 'small' }, () => {});
      await untilStatus(stream, 'small', 'live');
      stop();
      await untilStatus(stream, 'small', 'idle');
    });

    it('a background consumer gets frames but is not counted as a viewer', async () => {
      const stream = await open();
      let frames = 0;
      const stop = stream.subscribe({ cameraId: 'small', background: true }, () => void frames++);
      await until(() => frames >= 2, 'frames for the background consumer');
      expect(stream.camera('small')!.consumers).toBe(0);
      const stopViewer = stream.subscribe({ cameraId: 'small' }, () => {});
      expect(stream.camera('small')!.consumers).toBe(1);
      stopViewer();
      stop();
    });

    it('caches opened cameras: switching back does not open the camera again', async () => {
      const stream = await open();
      const statuses: string[] = [];
      stream.on('status', (info) => info.id === 'big' && statuses.push(info.status));
      await untilStatus(stream, 'big', 'live');
      stream.activeCameraId = 'small';
      await untilStatus(stream, 'big', 'idle');
      await untilStatus(stream, 'small', 'live');
      stream.activeCameraId = 'big';
      await untilStatus(stream, 'big', 'live');
      expect(statuses).not.toContain('opening');
    });

    it('a listener that is still busy gets the newest frame when it is done, not every frame', async () => {
      const stream = await open({ fps: 20 });
      const seqs: number[] = [];
      const stop = stream.subscribe({}, async (frame) => {
        seqs.push(frame.seq);
        await new Promise((resolve) => setTimeout(resolve, 400));
      });
      await until(() => seqs.length >= 3, 'three deliveries');
      stop();
      // At 20 fps, ~8 frames go by during each 400 ms call: only the newest of them is delivered.
      expect(seqs[2]! - seqs[1]!).toBeGreaterThan(4);
    });

    it('a stalled consumer gets the newest frame, never a backlog', async () => {
      const stream = await open({ fps: 20 });
      const iterator = stream.frames();
      const first = (await iterator.next()).value!;
      await new Promise((resolve) => setTimeout(resolve, 1000)); // ~20 frames go by unread
      const second = (await iterator.next()).value!;
      expect(second.seq - first.seq).toBeGreaterThan(10);
      expect(iterator.dropped).toBeGreaterThan(10);
      const third = (await iterator.next()).value!;
      expect(third.seq).toBeGreaterThan(second.seq);
      await iterator.return();
    });

    it('encodes each frame once, however many consumers share the variant', async () => {
      const stream = await open();
      const received: Array<Map<number, unknown>> = [];
      const stops = Array.from({ length: 20 }, () => {
        const seen = new Map<number, unknown>();
        received.push(seen);
        return stream.subscribe({}, (frame) => void seen.set(frame.seq, frame));
      });
      await until(() => received[0]!.size >= 2, 'frames');
      const before = await cameraStats(stream, 'big');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await cameraStats(stream, 'big');
      stops.forEach((stop) => stop());
      const captured = after.captured - before.captured;
      expect(captured).toBeGreaterThan(5);
      expect(Math.abs(after.encodes - before.encodes - captured)).toBeLessThanOrEqual(1);
      // Every consumer got the very same frame object for a given seq: nothing was copied.
      const seq = [...received[0]!.keys()][1]!;
      for (const seen of received) expect(seen.get(seq)).toBe(received[0]!.get(seq));
    });

    it('encodes once per distinct variant, and scales to maxWidth', async () => {
      const stream = await open();
      const widths = new Set<number>();
      const stops = [
        stream.subscribe({ maxWidth: 96 }, (frame) => void widths.add(frame.width)),
        stream.subscribe({ maxWidth: 96 }, () => {}),
        stream.subscribe({ maxWidth: 160 }, () => {}),
      ];
      await until(() => widths.size > 0, 'a scaled frame');
      const before = await cameraStats(stream, 'big');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await cameraStats(stream, 'big');
      stops.forEach((stop) => stop());
      expect([...widths]).toEqual([96]);
      const captured = after.captured - before.captured;
      // full (for value) + w96 + w160: three encodes per frame.
      expect(Math.abs(after.encodes - before.encodes - 3 * captured)).toBeLessThanOrEqual(3);
    });

    it('thins a variant to its maxFps: under half the frames of an unthinned one, in order', async () => {
      const stream = await open({ fps: 20 });
      const [thinned, full] = await Promise.all([framesFor(stream, { maxFps: 5 }, 2000), framesFor(stream, {}, 2000)]);
      expect(thinned.length).toBeGreaterThan(0);
      expect(thinned.length * 2).toBeLessThan(full.length);
      for (let i = 1; i < thinned.length; i++) expect(thinned[i]!.seq).toBeGreaterThan(thinned[i - 1]!.seq);
    });

    /** Full-size encodes per frame captured over about `ms` (the active camera's `value` and full-size consumers). */
    const fullEncodesPerFrame = (stream: ServerVideoStream, ms: number) => encodesPerFrame(stream, ms, 'big', 'full');

    it('valueFps thins value while nothing else takes the full size; the camera still captures every frame', async () => {
      const stream = await open({ fps: 20, valueFps: 2 });
      await until(() => stream.value, 'a first value');
      const { perFrame, captured } = await fullEncodesPerFrame(stream, 2000);
      expect(captured).toBeGreaterThan(10);
      // About 2 a second out of up to 20 captured; at least one.
      expect(perFrame).toBeGreaterThan(0);
      expect(perFrame).toBeLessThan(0.5);
      expect(stream.camera('big')?.measuredFps).toBeGreaterThan(2.5);
    });

    it('with valueFps, a consumer of the full size makes it every frame again', async () => {
      const stream = await open({ fps: 20, valueFps: 2 });
      const stop = stream.subscribe({}, () => {});
      await until(() => stream.value, 'a first value');
      const { perFrame, captured } = await fullEncodesPerFrame(stream, 1500);
      stop();
      expect(captured).toBeGreaterThan(5);
      expect(perFrame).toBeGreaterThan(0.8);
    });

    it('with valueFps, a full-size consumer with maxFps refreshes value at its own rate', async () => {
      const stream = await open({ fps: 20, valueFps: 1 });
      const stop = stream.subscribe({ maxFps: 10 }, () => {});
      await until(() => stream.value, 'a first value');
      const seqs = new Set<number>();
      const end = Date.now() + 2000;
      while (Date.now() < end) {
        seqs.add(stream.value!.seq);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      stop();
      // About 20 in 2 s at 10 fps; 2 or 3 at valueFps 1.
      expect(seqs.size).toBeGreaterThan(8);
    });

    it('with valueFps, a full-size consumer at the same rate shares its encode: one a second, not two', async () => {
      const stream = await open({ fps: 20, valueFps: 1 });
      await until(() => stream.value, 'a first value');
      // Joins half a second out of phase with value's own schedule.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const stop = stream.subscribe({ maxFps: 1 }, () => {});
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const { perFrame, captured } = await encodesPerFrame(stream, 4000, 'big');
      stop();
      // Every full-size encode (value's and the consumer's): 4 or 5 in 4 s; two schedules would make about 8.
      expect((perFrame * captured) / 4).toBeLessThan(1.4);
    });

    it('with valueFps, a value listener sees every frame, and thinning resumes when it leaves', async () => {
      const stream = await open({ fps: 20, valueFps: 2 });
      const seen: number[] = [];
      const stop = stream.on('value', (frame) => void seen.push(frame.seq));
      await until(() => seen.length >= 2, 'value events');
      const listened = await fullEncodesPerFrame(stream, 1500);
      stop();
      stop(); // a second call changes nothing...
      stream.subscribe({ maxWidth: 96 }, () => {})(); // ...as the next plan shows
      const alone = await fullEncodesPerFrame(stream, 1500);
      expect(listened.perFrame).toBeGreaterThan(0.8);
      expect(alone.perFrame).toBeLessThan(0.5);
    });

    it('makes settings changes observable to every listener', async () => {
      const stream = await open();
      const seen: unknown[] = [];
      stream.on('settings', (settings) => seen.push(settings));
      stream.update({ fps: 5, quality: 60 });
      expect(seen).toEqual([{ paused: false, fps: 5, quality: 60, activeCameraId: 'big' }]);
      expect(stream.fps).toBe(5);
      expect(stream.quality).toBe(60);
    });

    it('applies a new quality from the next frame', async () => {
      const stream = await open();
      const high = await until(() => stream.value, 'a frame');
      stream.quality = 5;
      const low = await until(() => (stream.value!.seq > high.seq + 1 ? stream.value : undefined), 'frames at the new quality');
      expect(low.data.length).toBeLessThan(high.data.length);
    });

    it('Symbol.asyncDispose closes the stream', async () => {
      const stream = await open();
      const iterator = stream.frames();
      await iterator.next();
      await stream[Symbol.asyncDispose]();
      expect((await iterator.next()).done).toBe(true);
    });

    it('close() ends every consumer and stops capture', async () => {
      const stream = await open();
      const iterator = stream.frames();
      await iterator.next();
      await stream.close();
      expect((await iterator.next()).done).toBe(true);
      expect(await stream.stats()).toEqual([]);
      await expect(stream.start()).rejects.toThrow(/closed/);
    });
  });
}
