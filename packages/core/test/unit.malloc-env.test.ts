import { describe, expect, it } from 'vitest';
import { CAPTURE_MALLOC_TUNABLES, withCaptureMallocTunables } from '@servercam/core';

describe('withCaptureMallocTunables', () => {
  it('sets GLIBC_TUNABLES when the environment has none', () => {
    expect(withCaptureMallocTunables({ PATH: '/bin' })).toEqual({ PATH: '/bin', GLIBC_TUNABLES: CAPTURE_MALLOC_TUNABLES });
  });

  it('appends to tunables the user set for something else', () => {
    const env = withCaptureMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect(env['GLIBC_TUNABLES']).toBe(`glibc.malloc.arena_max=2:${CAPTURE_MALLOC_TUNABLES}`);
  });

  it("keeps the user's own thresholds", () => {
    const env = withCaptureMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1048576' });
    expect(env['GLIBC_TUNABLES']).toBe('glibc.malloc.trim_threshold=1048576');
  });

  it('leaves the environment it was given unchanged', () => {
    const original = { PATH: '/bin' };
    withCaptureMallocTunables(original);
    expect(original).toEqual({ PATH: '/bin' });
  });
});
