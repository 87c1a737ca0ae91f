import { describe, expect, it } from 'vitest';
import { I420Raster, RgbRaster, i420Length, rgbToI420, yuvOf } from '../src/backends/raster.ts';
import { syntheticBackend } from '../src/backends/synthetic.ts';
import { SyntheticPattern } from '../src/backends/synthetic-pattern.ts';
import { parseSource } from '../src/source.ts';

describe('yuvOf (BT.601 limited range)', () => {
  it('maps white, black and the primaries to their textbook values', () => {
    expect(yuvOf([255, 255, 255])).toEqual([235, 128, 128]);
    expect(yuvOf([0, 0, 0])).toEqual([16, 128, 128]);
    expect(yuvOf([255, 0, 0])).toEqual([81, 90, 240]);
    expect(yuvOf([0, 255, 0])).toEqual([145, 54, 34]);
    expect(yuvOf([0, 0, 255])).toEqual([41, 240, 110]);
  });
});

describe('I420Raster', () => {
  it('fills the rectangle in Y, and each 2×2 chroma block it touches in U and V', () => {
    const raster = new I420Raster(new Uint8Array(i420Length(8, 4)), 8, 4);
    raster.fillRect(1, 0, 2, 2, [255, 0, 0]);
    const y = [...raster.data.subarray(0, 32)];
    expect(y.slice(0, 8)).toEqual([0, 81, 81, 0, 0, 0, 0, 0]);
    expect(y.slice(8, 16)).toEqual([0, 81, 81, 0, 0, 0, 0, 0]);
    expect(y.slice(16)).toEqual(new Array(16).fill(0));
    // Columns 1–2 touch chroma blocks 0 and 1 of the first chroma row.
    expect([...raster.data.subarray(32, 40)]).toEqual([90, 90, 0, 0, 0, 0, 0, 0]);
    expect([...raster.data.subarray(40, 48)]).toEqual([240, 240, 0, 0, 0, 0, 0, 0]);
  });

  it('clips to the picture', () => {
    const raster = new I420Raster(new Uint8Array(i420Length(4, 2)), 4, 2);
    raster.fillRect(-3, -3, 5, 4, [255, 0, 0]);
    expect([...raster.data.subarray(0, 8)]).toEqual([81, 81, 0, 0, 0, 0, 0, 0]);
    // U, then V: one chroma row of two blocks; only the first is touched.
    expect([...raster.data.subarray(8)]).toEqual([90, 0, 240, 0]);
  });

  it('fills the last, half-covered chroma blocks of an odd-sized picture', () => {
    // 5×3: Y is 15 bytes, U and V 3×2 each.
    const raster = new I420Raster(new Uint8Array(i420Length(5, 3)), 5, 3);
    expect(raster.data.byteLength).toBe(27);
    raster.fillRect(4, 2, 9, 9, [255, 0, 0]);
    expect([...raster.data.subarray(0, 15)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 81]);
    expect([...raster.data.subarray(15, 21)]).toEqual([0, 0, 0, 0, 0, 90]);
    expect([...raster.data.subarray(21, 27)]).toEqual([0, 0, 0, 0, 0, 240]);
  });

  it('refuses a buffer of another size', () => {
    expect(() => new I420Raster(new Uint8Array(10), 4, 2)).toThrow(/an I420 4×2 picture is 12 bytes, not 10/);
  });
});

describe('the synthetic pattern in I420', () => {
  const [width, height] = [1280, 720];
  const pattern = new SyntheticPattern(width, height);
  const time = new Date('2026-12-02T10:00:00.000Z');
  const rgb = new Uint8Array(width * height * 3);
  pattern.render(rgb, 57, time, 'cam');
  const direct = new Uint8Array(i420Length(width, height));
  pattern.render(direct, 57, time, 'cam', 'yuv420p');
  const converted = rgbToI420(rgb, width, height);

  it('has the luma of the same frame drawn in RGB and converted', () => {
    expect(Buffer.from(direct.subarray(0, width * height)).equals(Buffer.from(converted.subarray(0, width * height)))).toBe(true);
  });

  it('differs from it in chroma only where a rectangle edge splits a 2×2 block (under 1 % of samples)', () => {
    let differing = 0;
    for (let i = width * height; i < direct.length; i++) if (direct[i] !== converted[i]) differing++;
    expect(differing / (direct.length - width * height)).toBeLessThan(0.01);
  });

  it('is what the RGB raster draws for packed RGB', () => {
    const again = new Uint8Array(width * height * 3);
    new RgbRaster(again, width, height).fillRect(0, 0, width, height, [1, 2, 3]);
    pattern.render(again, 57, time, 'cam', 'rgb24');
    expect(Buffer.from(again).equals(Buffer.from(rgb))).toBe(true);
  });
});

describe('the synthetic backend for the H.264 encoder', () => {
  async function frame(size: string) {
    const source = await syntheticBackend.open(parseSource(`synthetic:${size}@30`), { cameraId: 'cam', loop: true, realtime: false, openTimeoutMs: 1000 });
    return { source, image: await source.read() };
  }

  it('gives I420 at full size, and says so ahead', async () => {
    const { source, image } = await frame('1280x720');
    expect(image.rawFormat?.(1280, 720)).toBe('yuv420p');
    const raw = await image.raw(1280, 720);
    expect(raw.pixelFormat).toBe('yuv420p');
    expect(raw.data.byteLength).toBe(i420Length(1280, 720));
    image.release();
    await source.close();
  });

  it('gives packed RGB at another size, or at an odd one', async () => {
    const scaled = await frame('1280x720');
    expect(scaled.image.rawFormat?.(640, 360)).toBe('rgb24');
    expect((await scaled.image.raw(640, 360)).data.byteLength).toBe(640 * 360 * 3);
    const odd = await frame('321x241');
    expect(odd.image.rawFormat?.(321, 241)).toBe('rgb24');
    expect((await odd.image.raw(321, 241)).pixelFormat).toBe('rgb24');
    for (const { source, image } of [scaled, odd]) {
      image.release();
      await source.close();
    }
  });
});
