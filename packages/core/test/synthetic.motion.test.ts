import { afterEach, describe, expect, it } from 'vitest';
import { type MotionEvent, ServerVideoStream } from '@servercam/core';
import { until } from './helpers/wait.ts';

describe('motion detection on the synthetic camera (pure analyzer)', () => {
  const streams: ServerVideoStream[] = [];
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });

  function open(mask?: Array<{ x: number; y: number; width: number; height: number }>): { stream: ServerVideoStream; events: MotionEvent[] } {
    const stream = new ServerVideoStream({ cameras: [{ id: 'syn', source: 'synthetic:320x180', motion: { quietSeconds: 1, mask } }], fps: 15 });
    streams.push(stream);
    const events: MotionEvent[] = [];
    stream.on('motion', (event) => events.push(event));
    return { stream, events };
  }

  it('sees the pattern\'s moving box and reports motion on the camera', async () => {
    const { stream, events } = open();
    await stream.start();
    await until(() => events[0], 'a motion start', 8000);
    expect(events[0]!.phase).toBe('start');
    expect(stream.camera('syn')!.motion).toBe(true);
  });

  it('sees nothing when the moving box and the clock are masked', async () => {
    const { stream, events } = open([
      { x: 0, y: 0.3, width: 1, height: 0.25 },
      { x: 0, y: 0.88, width: 1, height: 0.12 },
    ]);
    await stream.start();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(events).toEqual([]);
    expect((await stream.stats())[0]!.analyzed).toBeGreaterThan(12);
  });

  it('analyzes at most detectFps frames a second, whatever the capture rate', async () => {
    const stream = new ServerVideoStream({ cameras: [{ id: 'syn', source: 'synthetic:160x90@30', motion: { detectFps: 5 } }], fps: 30 });
    streams.push(stream);
    await stream.start();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const [stats] = await stream.stats();
    expect(stats!.captured).toBeGreaterThan(30);
    expect(stats!.analyzed).toBeLessThanOrEqual(Math.ceil((stats!.captured / 30) * 5) + 2);
    expect(stats!.analyzed).toBeGreaterThan(4);
  });

  it('rejects a bad motion configuration when the stream is made', () => {
    expect(() => new ServerVideoStream({ cameras: [{ id: 'x', source: 'synthetic', motion: { sensitivity: 2 } }] })).toThrow(
      /Camera "x": motion.sensitivity must be from 0 to 1/,
    );
  });
});
