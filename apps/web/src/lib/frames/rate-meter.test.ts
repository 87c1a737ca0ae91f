import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.ts';

describe('RateMeter', () => {
  it('measures a regular rate', () => {
    const meter = new RateMeter(2_000);
    for (let t = 0; t <= 1_000; t += 40) meter.tick(t);
    expect(meter.rate(1_000)).toBeCloseTo(25, 5);
  });

  it('forgets events older than its window', () => {
    const meter = new RateMeter(1_000);
    for (let t = 0; t < 1_000; t += 10) meter.tick(t); // 100 fps for a second
    for (let t = 1_000; t <= 3_000; t += 100) meter.tick(t); // then 10 fps
    expect(meter.rate(3_000)).toBeCloseTo(10, 5);
  });

  it('falls to zero when events stop', () => {
    const meter = new RateMeter(1_000);
    for (let t = 0; t <= 500; t += 50) meter.tick(t);
    expect(meter.rate(5_000)).toBe(0);
  });
});
