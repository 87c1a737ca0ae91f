import { describe, expect, it, vi } from 'vitest';
import type { PicturePaint } from './chunk.ts';
import { MAX_PAINT_SAMPLES, PAINT_PROBE, paintProbe, type PaintSample } from './paint-probe.ts';

const paint = (seq: number): PicturePaint => ({
  frame: { cameraId: 'cam', seq, capturedAt: '2026-12-02T03:00:00.000Z', width: 1280, height: 720 },
  paintedAt: Date.parse('2026-12-02T03:00:00.069Z'),
  latencyMs: 69,
});

describe('paintProbe', () => {
  it('is off unless the page set its global to an array', () => {
    expect(paintProbe({})).toBeNull();
    expect(paintProbe({ [PAINT_PROBE]: true })).toBeNull();
  });

  it('appends one sample per paint, with the format and the frame it drew', () => {
    const samples: PaintSample[] = [];
    const record = paintProbe({ [PAINT_PROBE]: samples });
    record?.('h264', paint(7));
    expect(samples).toEqual([{ format: 'h264', cameraId: 'cam', seq: 7, capturedAt: '2026-12-02T03:00:00.000Z', paintedAt: Date.parse('2026-12-02T03:00:00.069Z'), latencyMs: 69, renderedAt: null }]);
  });

  it('stamps renderedAt in a task after the one that painted', async () => {
    const samples: PaintSample[] = [];
    const record = paintProbe({ [PAINT_PROBE]: samples });
    record?.('h264', paint(7));
    expect(samples[0]?.renderedAt).toBeNull();
    await vi.waitFor(() => expect(samples[0]?.renderedAt).toEqual(expect.any(Number)));
  });

  it("takes renderedAt from a paint that has it (the worker player's), scheduling nothing", async () => {
    const samples: PaintSample[] = [];
    const record = paintProbe({ [PAINT_PROBE]: samples });
    const renderedAt = Date.parse('2026-12-02T03:00:00.071Z');
    record?.('h264', { ...paint(7), renderedAt });
    expect(samples[0]?.renderedAt).toBe(renderedAt);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(samples[0]?.renderedAt).toBe(renderedAt);
  });

  it('keeps at most MAX_PAINT_SAMPLES unread samples, dropping the oldest', () => {
    const samples: PaintSample[] = [];
    const record = paintProbe({ [PAINT_PROBE]: samples });
    for (let seq = 0; seq < MAX_PAINT_SAMPLES + 5; seq++) record?.('jpeg', paint(seq));
    expect(samples).toHaveLength(MAX_PAINT_SAMPLES);
    expect(samples[0]?.seq).toBe(5);
  });
});
