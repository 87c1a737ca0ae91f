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

    async function watch(source: string, ms: number): Promise<{ events: MotionEvent[]; t0: number; stream: ServerVideoStream }> {
      const stream = new ServerVideoStream({
        cameras: [{ id: 'cam', source, motion: { engine, quietSeconds: 1, minArea: 0.004 } }],
        fps: 0,
      });
      streams.push(stream);
      const events: MotionEvent[] = [];
      stream.on('motion', (event) => events.push(event));
      let t0 = 0;
      stream.subscribe({}, (frame) => {
        if (frame.seq === 1) t0 = frame.capturedAt;
      });
      await stream.start(['cam']);
      await until(() => t0 > 0, 'the first frame');
      await new Promise((resolve) => setTimeout(resolve, ms - (Date.now() - t0)));
      return { events, t0, stream };
    }

    it('one moving square after a still period gives exactly one event, at the right times, boxed', async () => {
      // Still for 2 s, a square crossing from 2 s to 4 s, still again until 7 s.
      const { events, t0, stream } = await watch(makeMotionVideo({ seconds: 7, moveFrom: 2, moveTo: 4 }), 6500);
      expect(events.map((event) => event.phase)).toEqual(['start', 'end']);
      const [start, end] = events as [MotionEvent, MotionEvent];
      expect(start.id).toBe(end.id);
      expect((start.startedAt - t0) / 1000).toBeGreaterThan(1.7);
      expect((start.startedAt - t0) / 1000).toBeLessThan(2.5);
      expect((end.endedAt! - t0) / 1000).toBeGreaterThan(3.6);
      expect((end.endedAt! - t0) / 1000).toBeLessThan(5.0);
      // The box around the largest moving region at the peak covers the square's band (y 150–210 of 360).
      const box = end.boxes[0]!;
      expect(box.y).toBeGreaterThan(0.3);
      expect(box.y).toBeLessThan(150 / 360 + 0.02);
      expect(box.y + box.height).toBeGreaterThan(210 / 360 - 0.02);
      expect(box.y + box.height).toBeLessThan(0.7);
      expect(end.peakScore).toBeGreaterThan(0);
      expect(end.snapshot?.[0]).toBe(0xff);
      expect(end.snapshotWidth).toBe(640);
      expect((await stream.stats())[0]!.analyzed).toBeGreaterThan(100);
    });

    it('a still video gives no event', async () => {
      const { events, stream } = await watch(makeMotionVideo({ seconds: 5 }), 4000);
      expect(events).toEqual([]);
      expect((await stream.stats())[0]!.analyzed).toBeGreaterThan(60);
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
      expect((await stream.stats())[0]!.analyzed).toBeGreaterThan(60);
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
