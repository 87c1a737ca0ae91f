import { describe, expect, it } from 'vitest';
import { expiryFor, expiryOptions, isPast } from './expiry.ts';

const NOW = Date.parse('2026-12-01T08:00:00Z');

describe('expiryFor', () => {
  it('gives no expiry for never', () => {
    expect(expiryFor('never', '', NOW)).toEqual({ ok: true, expiresAt: null });
  });

  it('adds a preset to now', () => {
    expect(expiryFor('7d', '', NOW)).toEqual({ ok: true, expiresAt: '2026-12-08T08:00:00.000Z' });
  });

  it('reads a picked date', () => {
    const result = expiryFor('custom', '2027-01-02T03:04', NOW);
    expect(result).toEqual({ ok: true, expiresAt: new Date('2027-01-02T03:04').toISOString() });
  });

  it('refuses a picked date in the past', () => {
    expect(expiryFor('custom', '2020-01-01T00:00', NOW)).toEqual({ ok: false, message: 'The expiry must be in the future.' });
  });

  it('asks for a date when none is picked', () => {
    expect(expiryFor('custom', '', NOW).ok).toBe(false);
  });
});

describe('expiryOptions', () => {
  it('offers Never only where an expiry may be left out', () => {
    expect(expiryOptions(true).some((option) => option.value === 'never')).toBe(true);
    expect(expiryOptions(false).some((option) => option.value === 'never')).toBe(false);
  });
});

describe('isPast', () => {
  it('is true at and after the time, false before and for none', () => {
    expect([isPast('2026-12-01T08:00:00Z', NOW), isPast('2026-12-01T08:00:01Z', NOW), isPast(null, NOW)]).toEqual([true, false, false]);
  });
});
