import { describe, expect, it } from 'vitest';
import { scaledSize, variantKey } from '@servercam/core';

describe('variants', () => {
  it('names the full-size, full-rate variant "full"', () => {
    expect(variantKey({})).toBe('full');
    expect(variantKey({ maxFps: 0 })).toBe('full');
  });

  it('gives equal requests the same key', () => {
    expect(variantKey({ maxWidth: 320, maxFps: 5 })).toBe(variantKey({ maxFps: 5, maxWidth: 320 }));
    expect(variantKey({ maxWidth: 320 })).not.toBe(variantKey({ maxWidth: 640 }));
  });

  it('rejects nonsense sizes and rates', () => {
    expect(() => variantKey({ maxWidth: 0 })).toThrow(RangeError);
    expect(() => variantKey({ maxWidth: 100.5 })).toThrow(RangeError);
    expect(() => variantKey({ maxFps: -1 })).toThrow(RangeError);
  });

  it('scales down keeping the aspect ratio and even sizes, never up', () => {
    expect(scaledSize(1280, 720, 320)).toEqual({ width: 320, height: 180 });
    expect(scaledSize(1280, 720, 321)).toEqual({ width: 320, height: 180 });
    expect(scaledSize(640, 480, 4000)).toEqual({ width: 640, height: 480 });
    expect(scaledSize(640, 480, undefined)).toEqual({ width: 640, height: 480 });
  });
});
