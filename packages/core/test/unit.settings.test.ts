import { describe, expect, it } from 'vitest';
import { applySettings, InvalidSettings, type StreamSettings } from '@servercam/core';

const cameras = new Set(['a', 'b']);
const current: StreamSettings = { paused: false, fps: 10, activeCameraId: 'a', quality: 80 };

function rejection(patch: Parameters<typeof applySettings>[1]): InvalidSettings {
  try {
    applySettings(current, patch, cameras);
  } catch (error) {
    if (error instanceof InvalidSettings) return error;
    throw error;
  }
  throw new Error('expected InvalidSettings');
}

describe('applySettings', () => {
  it('applies a valid patch and keeps the other fields', () => {
    expect(applySettings(current, { fps: 0, activeCameraId: 'b' }, cameras)).toEqual({ ...current, fps: 0, activeCameraId: 'b' });
  });

  it('rejects a negative fps, naming the field', () => {
    const error = rejection({ fps: -1 });
    expect(error.code).toBe('INVALID_SETTINGS');
    expect(error.field).toBe('fps');
    expect(error.message).toMatch(/fps must be a number ≥ 0/);
  });

  it('rejects a non-finite fps', () => {
    expect(rejection({ fps: Number.NaN }).field).toBe('fps');
  });

  it('rejects quality outside 1–100 or fractional', () => {
    expect(rejection({ quality: 0 }).field).toBe('quality');
    expect(rejection({ quality: 101 }).field).toBe('quality');
    expect(rejection({ quality: 50.5 }).field).toBe('quality');
  });

  it('rejects an unknown active camera, listing the configured ones', () => {
    const error = rejection({ activeCameraId: 'zzz' });
    expect(error.field).toBe('activeCameraId');
    expect(error.message).toMatch(/a, b/);
  });

  it('validates the patch as a whole: one bad field rejects the good ones too', () => {
    expect(() => applySettings(current, { paused: true, quality: 0 }, cameras)).toThrow(InvalidSettings);
    expect(current.paused).toBe(false);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(applySettings(current, {}, cameras))).toBe(true);
  });
});
