import { describe, expect, it } from 'vitest';
import { BackendUnavailable, CannotOpenCamera, CannotReadCamera, InvalidSettings, isServercamError, ServercamError } from '@servercam/core';

describe('typed errors', () => {
  it.each([
    [CannotOpenCamera, 'CANNOT_OPEN_CAMERA'],
    [CannotReadCamera, 'CANNOT_READ_CAMERA'],
    [BackendUnavailable, 'BACKEND_UNAVAILABLE'],
  ] as const)('%o has a stable code, the camera id and the cause', (Class, code) => {
    const cause = new Error('root cause');
    const error = new Class('it failed', { cameraId: 'cam1', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ServercamError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(Class.name);
    expect(error.cameraId).toBe('cam1');
    expect(error.cause).toBe(cause);
    expect(isServercamError(error)).toBe(true);
  });

  it('InvalidSettings names the field', () => {
    const error = new InvalidSettings('fps', 'fps must be ≥ 0');
    expect(error.code).toBe('INVALID_SETTINGS');
    expect(error.field).toBe('fps');
  });

  it('serializes to a structured-clone-safe form that keeps the cause chain', () => {
    const error = new CannotOpenCamera('no device', { cameraId: 'c', cause: new Error('outer', { cause: new Error('inner') }) });
    const copy = structuredClone(error.toJSON());
    expect(copy).toEqual({
      name: 'CannotOpenCamera',
      code: 'CANNOT_OPEN_CAMERA',
      message: 'no device',
      cameraId: 'c',
      cause: { name: 'Error', message: 'outer', cause: { name: 'Error', message: 'inner', cause: undefined } },
    });
  });

  it('isServercamError is false for other errors', () => {
    expect(isServercamError(new Error('x'))).toBe(false);
  });
});
