import { describe, expect, it } from 'vitest';
import { base64ByteLength } from './base64.ts';
import { ByteRateMeter } from './byte-meter.ts';

describe('ByteRateMeter', () => {
  it('measures a steady rate in kbit/s', () => {
    const meter = new ByteRateMeter(2_000);
    for (let t = 0; t <= 4_000; t += 100) meter.add(t, 1_000); // 10 kB/s
    expect(meter.kbitPerSecond(4_000)).toBeCloseTo(80, 5);
  });

  it('measures a young stream over the time since its first bytes', () => {
    const meter = new ByteRateMeter(2_000);
    meter.add(1_000, 500);
    meter.add(1_500, 500);
    expect(meter.bytesPerSecond(1_500)).toBeCloseTo(2_000, 5);
  });

  it('falls to zero when bytes stop', () => {
    const meter = new ByteRateMeter(1_000);
    for (let t = 0; t <= 500; t += 50) meter.add(t, 100);
    expect(meter.bytesPerSecond(5_000)).toBe(0);
  });
});

describe('base64ByteLength', () => {
  it('counts the bytes of base64 with and without padding', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100]) {
      const text = btoa('x'.repeat(length));
      expect(base64ByteLength(text)).toBe(length);
      expect(base64ByteLength(text.replace(/=+$/, ''))).toBe(length);
    }
  });
});
