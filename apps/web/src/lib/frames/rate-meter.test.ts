import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.ts';

describe('RateMeter: arrivals per second', () => {
  it('measures a regular rate', () => {
    const meter = new RateMeter(2_000);
    for (let t = 0; t <= 1_000; t += 40) meter.add(t);
    expect(meter.rate(1_000)).toBeCloseTo(25, 5);
  });

  it('forgets events older than its window', () => {
    const meter = new RateMeter(1_000);
    for (let t = 0; t < 1_000; t += 10) meter.add(t); // 100 fps for a second
    for (let t = 1_000; t <= 3_000; t += 100) meter.add(t); // then 10 fps
    expect(meter.rate(3_000)).toBeCloseTo(10, 5);
  });

  it('falls to zero when events stop', () => {
    const meter = new RateMeter(1_000);
    for (let t = 0; t <= 500; t += 50) meter.add(t);
    expect(meter.rate(5_000)).toBe(0);
  });
});

describe('RateMeter: bytes per second', () => {
  it('measures a steady rate in kbit/s', () => {
    const meter = new RateMeter(2_000);
    for (let t = 0; t <= 4_000; t += 100) meter.add(t, 1_000); // 10 kB/s
    expect(meter.kbitPerSecond(4_000)).toBeCloseTo(80, 5);
  });

  it('measures a young stream over the time since its first bytes', () => {
    const meter = new RateMeter(2_000);
    meter.add(1_000, 500);
    meter.add(1_500, 500);
    expect(meter.bytesPerSecond(1_500)).toBeCloseTo(2_000, 5);
  });

  it('falls to zero when bytes stop', () => {
    const meter = new RateMeter(1_000);
    for (let t = 0; t <= 500; t += 50) meter.add(t, 100);
    expect(meter.bytesPerSecond(5_000)).toBe(0);
  });
});
