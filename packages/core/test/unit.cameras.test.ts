/** The camera list's validation: a typed InvalidSettings naming the entry, never a bare TypeError. */
import { describe, expect, it } from 'vitest';
import { InvalidSettings, validateCameras } from '@servercam/core';
// The test kit's, by path (the core's tests may not depend on @servercam/testing).
import { thrown } from '../../testing/src/errors.ts';

const refusal = (run: () => unknown): InvalidSettings => thrown(InvalidSettings, run);

describe('validateCameras', () => {
  it.each([
    [[], 'cameras', /At least one camera/],
    [[{ id: 'bad id', source: 0 }], 'cameras[0].id', /is invalid/],
    [[{ id: 'a', source: 0 }, { id: 'a', source: 1 }], 'cameras[1].id', /configured twice/],
    [[{ id: 'a', source: 0, credentials: { username: 'u', password: 'p' } }], 'cameras[0].credentials', /rtsp/],
    [[{ id: 'x', source: 'synthetic', motion: { sensitivity: 2 } }], 'cameras[0].motion', /motion.sensitivity/],
  ] as const)('refuses %j naming "%s"', (cameras, field, message) => {
    const error = refusal(() => validateCameras(cameras));
    expect(error.field).toBe(field);
    expect(error.code).toBe('INVALID_SETTINGS');
    expect(error.message).toMatch(message);
  });
});
