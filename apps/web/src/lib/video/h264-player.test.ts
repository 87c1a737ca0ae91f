import { describe, expect, it } from 'vitest';
import type { PicturePaint } from './chunk.ts';
import { H264Player, type DecoderConfig, type EncodedChunkInit } from './h264-player.ts';
import { TestDecoder, TestFrame, chunk } from './test-codecs.ts';

function setup(options: { supported?: boolean; maxDecodeQueue?: number } = {}) {
  const decoders: TestDecoder[] = [];
  const animationFrames: (() => void)[] = [];
  const drawn: number[] = [];
  const paints: PicturePaint[] = [];
  const unsupported: string[] = [];
  const errors: unknown[] = [];
  const checked: DecoderConfig[] = [];
  const player = new H264Player<TestFrame, EncodedChunkInit>({
    createDecoder: (output, error) => {
      const decoder = new TestDecoder(output, error);
      decoders.push(decoder);
      return decoder;
    },
    createChunk: (init) => init,
    isConfigSupported: async (config) => {
      checked.push(config);
      return options.supported ?? true;
    },
    surface: { draw: (frame) => drawn.push(frame.timestamp) },
    requestFrame: (callback) => animationFrames.push(callback),
    now: () => Date.parse('2026-01-01T00:00:01.000Z'),
    maxDecodeQueue: options.maxDecodeQueue,
    onPaint: (paint) => paints.push(paint),
    onDecodeError: (error) => errors.push(error),
    onUnsupported: (codec) => unsupported.push(codec),
  });
  return {
    player,
    decoders,
    drawn,
    paints,
    unsupported,
    errors,
    checked,
    /** The decoder in use now. */
    get decoder(): TestDecoder {
      const decoder = decoders.at(-1);
      if (!decoder) throw new Error('no decoder yet');
      return decoder;
    },
    animate() {
      for (const callback of animationFrames.splice(0)) callback();
    },
    /** Lets `isConfigSupported` answer. */
    settle: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
}

const micros = (seq: number) => Date.parse(chunk(seq).capturedAt) * 1000;

describe('H264Player', () => {
  it('configures on the first keyframe and decodes it as a key chunk stamped with its capture time in µs', async () => {
    const t = setup();
    t.player.push(chunk(1, true));
    await t.settle();
    expect(t.checked).toHaveLength(1);
    expect(t.decoder.configs).toEqual([{ codec: 'avc1.64001f', description: new Uint8Array([1, 0x64, 0, 0x1f, 0xff, 0xe1]), optimizeForLatency: true }]);
    expect(t.decoder.decoded).toEqual([{ type: 'key', timestamp: micros(1), data: new TextEncoder().encode('frame 1') }]);
  });

  it('drops delta chunks that come before the first keyframe', async () => {
    const t = setup();
    t.player.push(chunk(1));
    t.player.push(chunk(2));
    t.player.push(chunk(3, true));
    t.player.push(chunk(4));
    await t.settle();
    expect(t.decoder.decoded.map((c) => c.type)).toEqual(['key', 'delta']);
    expect(t.player.counts).toMatchObject({ received: 4, dropped: 2 });
  });

  it('configures again only when a keyframe brings another codec, avcC or size', async () => {
    const t = setup();
    t.player.push(chunk(1, true));
    await t.settle();
    t.player.push(chunk(2));
    t.player.push(chunk(3, true));
    t.player.push(chunk(4, true, { width: 640, height: 360 }));
    await t.settle();
    expect(t.decoders).toHaveLength(1);
    expect(t.decoder.configs).toHaveLength(2);
    expect(t.decoder.decoded).toHaveLength(4);
  });

  it('after a decode error, waits for the next keyframe and decodes it in a new decoder', async () => {
    const t = setup();
    t.player.push(chunk(1, true));
    await t.settle();
    t.player.push(chunk(2));
    const first = t.decoder;
    first.fail();
    t.player.push(chunk(3));
    t.player.push(chunk(4));
    t.player.push(chunk(5, true));
    t.player.push(chunk(6));
    expect(t.errors).toHaveLength(1);
    expect(t.decoders).toHaveLength(2);
    expect(t.decoder.decoded.map((c) => c.timestamp)).toEqual([micros(5), micros(6)]);
    expect(first.state).toBe('closed');
    expect(t.player.counts).toMatchObject({ decodeErrors: 1, dropped: 2 });
  });

  it('decodes deltas across a gap in seq: seq counts captured frames, and the encoder skips some', async () => {
    const t = setup();
    t.player.push(chunk(1, true));
    await t.settle();
    t.player.push(chunk(3));
    t.player.push(chunk(6));
    expect(t.decoder.decoded.map((c) => c.timestamp)).toEqual([micros(1), micros(3), micros(6)]);
  });

  it("waits for a keyframe when the chunks turn to another camera: a delta of the new one lacks its reference", async () => {
    const t = setup();
    t.player.push(chunk(1, true));
    await t.settle();
    t.player.push(chunk(2, false, { cameraId: 'other' }));
    t.player.push(chunk(3, false, { cameraId: 'other' }));
    t.player.push(chunk(4, true, { cameraId: 'other' }));
    t.player.push(chunk(5, false, { cameraId: 'other' }));
    expect(t.decoder.decoded.map((c) => c.timestamp)).toEqual([micros(1), micros(4), micros(5)]);
  });

  it('drops deltas up to the next keyframe while the decoder is behind', async () => {
    const t = setup({ maxDecodeQueue: 2 });
    t.player.push(chunk(1, true));
    await t.settle();
    t.player.push(chunk(2));
    t.player.push(chunk(3)); // the queue holds 2: dropped
    t.decoder.finish();
    t.decoder.finish();
    t.player.push(chunk(4)); // room again, but 3 is missing
    t.player.push(chunk(5, true));
    t.player.push(chunk(6));
    expect(t.decoder.decoded.map((c) => c.timestamp)).toEqual([micros(1), micros(2), micros(5), micros(6)]);
    expect(t.player.waitingForKeyframe).toBe(false);
  });

  it('draws the newest decoded frame at the next animation frame and closes every frame', async () => {
    const t = setup();
    t.player.push(chunk(1, true));
    await t.settle();
    t.player.push(chunk(2));
    t.player.push(chunk(3));
    const frames = [t.decoder.finish(), t.decoder.finish(), t.decoder.finish()];
    t.animate();
    expect(t.drawn).toEqual([micros(3)]);
    expect(frames.every((frame) => frame.closed)).toBe(true);
    expect(t.paints).toEqual([{ frame: { cameraId: 'cam', seq: 3, capturedAt: chunk(3).capturedAt, width: 1280, height: 720 }, paintedAt: Date.parse('2026-01-01T00:00:01.000Z'), latencyMs: 97 }]);
    expect(t.player.counts).toMatchObject({ decoded: 3, painted: 1, dropped: 2 });
  });

  it('holds the chunks that arrive while a configuration is checked, and a second check holds those after its keyframe', async () => {
    const t = setup({ maxDecodeQueue: 10 });
    t.player.push(chunk(1, true));
    t.player.push(chunk(2));
    t.player.push(chunk(3, true, { codec: 'avc1.42e01f' }));
    t.player.push(chunk(4));
    await t.settle();
    await t.settle();
    expect(t.checked.map((config) => config.codec)).toEqual(['avc1.64001f', 'avc1.42e01f']);
    expect(t.decoder.configs.map((config) => config.codec)).toEqual(['avc1.64001f', 'avc1.42e01f']);
    expect(t.decoder.decoded.map((c) => c.timestamp)).toEqual([micros(1), micros(2), micros(3), micros(4)]);
  });

  it('reports a codec the browser cannot decode and decodes nothing', async () => {
    const t = setup({ supported: false });
    t.player.push(chunk(1, true));
    t.player.push(chunk(2));
    await t.settle();
    t.player.push(chunk(3, true));
    await t.settle();
    expect(t.unsupported).toEqual(['avc1.64001f']);
    expect(t.decoders).toHaveLength(0);
    expect(t.checked).toHaveLength(1);
  });

  it('closes its decoder and the frame waiting to be drawn, and takes no more chunks', async () => {
    const t = setup();
    t.player.push(chunk(1, true));
    await t.settle();
    const frame = t.decoder.finish();
    t.player.close();
    t.animate();
    t.player.push(chunk(2, true));
    expect(t.decoder.state).toBe('closed');
    expect(frame.closed).toBe(true);
    expect(t.drawn).toEqual([]);
    expect(t.decoders).toHaveLength(1);
  });
});
