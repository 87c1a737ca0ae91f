/**
 * The motion-detection suite, run against each analyzer on the same real
 * videos: one moving square after a still period gives exactly one event at
 * the right times with a box around it; a still video gives none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type MotionEvent, ServerVideoStream } from '@servercam/core';
import { makeMotionVideo } from './media.ts';
import { until } from './wait.ts';

export function motionSuite(engine: 'opencv' | 'pure', describeFn: typeof describe = describe): void {
  describeFn(`motion detection: ${engine} analyzer`, () => {
    const streams: ServerVideoStream[] = [];
    afterEach(async () => {
      await Promise.all(streams.splice(0).map((stream) => stream.close()));
    });

    /**
     * Watches a 25 fps video for `ms` of its own time. Times are in video seconds, from the
     * frame's seq (every frame of the file is read in order), so a busy machine does not skew them.
     */
    async function watch(source: string, ms: number): Promise<{ events: MotionEvent[]; videoTime(at: number): number; stream: ServerVideoStream }> {
      const stream = new ServerVideoStream({
        cameras: [{ id: 'cam', source, motion: { engine, quietSeconds: 1, minArea: 0.004 } }],
        fps: 0,
      });
      streams.push(stream);
      const events: MotionEvent[] = [];
      stream.on('motion', (event) => events.push(event));
      const seqAt = new Map<number, number>();
      let lastSeq = 0;
      stream.subscribe({}, (frame) => {
        seqAt.set(frame.capturedAt, frame.seq);
        lastSeq = frame.seq;
      });
      await stream.start(['cam']);
      await until(() => lastSeq >= (ms / 1000) * 25, `${ms} ms of video`, ms + 30_000);
      const videoTime = (at: number): number => {
        const seq = seqAt.get(at);
        if (seq === undefined) throw new Error(`no frame captured at ${at}`);
        return (seq - 1) / 25;
      };
      return { events, videoTime, stream };
    }

    it('one moving square after a still period gives exactly one event, at the right times, boxed', async () => {
      // Still for 2 s, a square crossing from 2 s to 4 s, still again until 7 s.
      const { events, videoTime, stream } = await watch(makeMotionVideo({ seconds: 7, moveFrom: 2, moveTo: 4 }), 6500);
      expect(events.map((event) => event.phase)).toEqual(['start', 'end']);
      const [start, end] = events as [MotionEvent, MotionEvent];
      expect(start.id).toBe(end.id);
      const started = videoTime(start.startedAt);
      const ended = videoTime(end.endedAt!);
      console.log(`[motion ${engine}] event ${started.toFixed(2)}–${ended.toFixed(2)} s (truth 2.00–4.00 s), box ${JSON.stringify(end.boxes[0])}`);
      expect(started).toBeGreaterThanOrEqual(1.9);
      expect(started).toBeLessThan(2.3);
      expect(ended).toBeGreaterThan(3.7);
      expect(ended).toBeLessThan(4.8);
      // The box around the largest moving region at the peak covers the square's band (y 150–210 of 360).
      const box = end.boxes[0]!;
      expect(box.y).toBeGreaterThan(0.3);
      expect(box.y).toBeLessThan(150 / 360 + 0.02);
      expect(box.y + box.height).toBeGreaterThan(210 / 360 - 0.02);
      expect(box.y + box.height).toBeLessThan(0.7);
      expect(end.peakScore).toBeGreaterThan(0);
      expect(end.snapshot?.[0]).toBe(0xff);
      expect(end.snapshotWidth).toBe(640);
      expect((await stream.stats())[0]!.analyzed).toBeGreaterThan(50); // detectFps 10 over 6.5 s
    });

    it('a still video gives no event', async () => {
      const { events, stream } = await watch(makeMotionVideo({ seconds: 5 }), 4000);
      expect(events).toEqual([]);
      expect((await stream.stats())[0]!.analyzed).toBeGreaterThan(25);
    });

    it('a masked region does not count', async () => {
      const stream = new ServerVideoStream({
        cameras: [{
          id: 'cam',
          source: makeMotionVideo({ seconds: 7, moveFrom: 2, moveTo: 4 }),
          motion: { engine, quietSeconds: 1, minArea: 0.004, mask: [{ x: 0, y: 0.35, width: 1, height: 0.3 }] },
        }],
        fps: 0,
      });
      streams.push(stream);
      const seen: MotionEvent[] = [];
      stream.on('motion', (event) => seen.push(event));
      await stream.start(['cam']);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      expect(seen).toEqual([]);
      expect((await stream.stats())[0]!.analyzed).toBeGreaterThan(25);
    });

    it('a camera with detection is captured even when nobody watches it', async () => {
      const stream = new ServerVideoStream({
        cameras: [
          { id: 'active', source: 'synthetic:64x48' },
          { id: 'watched', source: makeMotionVideo({ seconds: 5 }), motion: { engine } },
        ],
      });
      streams.push(stream);
      await stream.start();
      await until(() => stream.camera('watched')?.status === 'live', 'the motion camera to be live');
      expect(stream.camera('watched')!.consumers).toBe(0);
    });
  });
}
