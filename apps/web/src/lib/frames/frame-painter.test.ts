import { describe, expect, it } from 'vitest';
import { FramePainter, type Bitmap, type FrameInfo, type PaintableFrame } from './frame-painter.ts';
import type { Painted } from './latest-picture.ts';

/** A decoded image that remembers whether it was closed. */
class TestBitmap implements Bitmap {
  readonly width = 4;
  readonly height = 3;
  closed = false;
  constructor(readonly seq: number) {}
  close(): void {
    this.closed = true;
  }
}

/** A painter whose decoding and animation frames the test steps by hand. */
function setup() {
  const decodes: { seq: number; resolve: (bitmap: TestBitmap) => void; reject: (error: Error) => void }[] = [];
  const animationFrames: (() => void)[] = [];
  const drawn: number[] = [];
  const bitmaps: TestBitmap[] = [];
  const paints: Painted<FrameInfo>[] = [];
  const painter = new FramePainter<TestBitmap>({
    surface: { draw: (bitmap) => drawn.push(bitmap.seq) },
    decode: async (blob) => {
      const seq = Number(await blob.text());
      return new Promise<TestBitmap>((resolve, reject) => decodes.push({ seq, resolve, reject }));
    },
    requestFrame: (callback) => animationFrames.push(callback),
    now: () => Date.parse('2026-01-01T00:00:01.000Z'),
    onPaint: (info) => paints.push(info),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    painter,
    drawn,
    bitmaps,
    paints,
    decodes,
    /** Finishes the oldest decode. */
    async finishDecode() {
      await settle();
      const next = decodes.shift();
      if (!next) throw new Error('nothing is decoding');
      const bitmap = new TestBitmap(next.seq);
      bitmaps.push(bitmap);
      next.resolve(bitmap);
      await settle();
    },
    /** Runs the animation frames requested so far. */
    animate() {
      for (const callback of animationFrames.splice(0)) callback();
    },
  };
}

const frame = (seq: number): PaintableFrame => ({
  cameraId: 'cam',
  seq,
  capturedAt: '2026-01-01T00:00:00.960Z',
  width: 4,
  height: 3,
  mimeType: 'image/jpeg',
  data: btoa(String(seq)),
});

describe('FramePainter', () => {
  it('decodes one frame at a time and then the newest of those that arrived meanwhile', async () => {
    const t = setup();
    t.painter.push(frame(1));
    t.painter.push(frame(2));
    t.painter.push(frame(3));
    t.painter.push(frame(4));
    await t.finishDecode();
    t.animate();
    await t.finishDecode();
    t.animate();
    expect(t.drawn).toEqual([1, 4]);
    expect(t.painter.counts).toMatchObject({ received: 4, decoded: 2, painted: 2, dropped: 2 });
  });

  it('closes a decoded bitmap that a newer one overtakes before it is drawn', async () => {
    const t = setup();
    t.painter.push(frame(1));
    await t.finishDecode();
    t.painter.push(frame(2));
    await t.finishDecode();
    t.animate();
    expect(t.drawn).toEqual([2]);
    expect(t.bitmaps.map((bitmap) => bitmap.closed)).toEqual([true, true]);
  });

  it('closes every bitmap it drew', async () => {
    const t = setup();
    for (let seq = 1; seq <= 5; seq++) {
      t.painter.push(frame(seq));
      await t.finishDecode();
      t.animate();
    }
    expect(t.drawn).toEqual([1, 2, 3, 4, 5]);
    expect(t.bitmaps.every((bitmap) => bitmap.closed)).toBe(true);
  });

  it('closes what it holds when closed, including a decode that finishes later', async () => {
    const t = setup();
    t.painter.push(frame(1));
    await t.finishDecode();
    t.painter.push(frame(2));
    t.painter.close();
    await t.finishDecode();
    t.animate();
    expect(t.drawn).toEqual([]);
    expect(t.bitmaps.every((bitmap) => bitmap.closed)).toBe(true);
  });

  it('reports the latency from capture to drawing', async () => {
    const t = setup();
    t.painter.push(frame(7));
    await t.finishDecode();
    t.animate();
    expect(t.paints).toHaveLength(1);
    expect(t.paints[0]?.latencyMs).toBe(40);
    expect(t.paints[0]?.frame).not.toHaveProperty('data');
  });

  it('goes on with the next frame after a decode error', async () => {
    const t = setup();
    t.painter.push(frame(1));
    t.painter.push(frame(2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    t.decodes.shift()?.reject(new Error('corrupt JPEG'));
    await t.finishDecode();
    t.animate();
    expect(t.drawn).toEqual([2]);
    expect(t.painter.counts.decodeErrors).toBe(1);
  });
});
