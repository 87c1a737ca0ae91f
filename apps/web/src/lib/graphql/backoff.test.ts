import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

const options = { baseMs: 500, maxMs: 5_000, jitter: 0.3 };

describe('backoffDelay', () => {
  it('doubles from the base delay with no jitter at the top of the range', () => {
    const top = () => 1;
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, top))).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('never waits longer than the maximum', () => {
    expect(backoffDelay(4, options, () => 1)).toBe(5_000);
    expect(backoffDelay(1_000, options, () => 1)).toBe(5_000);
  });

  it('takes off at most the jitter share of the delay', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(2_800);
  });
});
