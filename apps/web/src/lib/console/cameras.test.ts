import { describe, expect, it } from 'vitest';
import { liveCamera } from './camera-fixtures.ts';
import { CameraList, type Camera } from './cameras.svelte.ts';

const camera = (id: string, status: Camera['status'] = 'LIVE'): Camera => liveCamera({ id, label: id.toUpperCase(), status });

describe('CameraList', () => {
  it('updates a camera in place from a status event', () => {
    const list = new CameraList();
    list.replace([camera('a'), camera('b')]);
    list.upsert({ ...camera('b', 'ERROR'), error: { code: 'CANNOT_OPEN_CAMERA', message: 'no such file', at: '2026-01-01T00:00:00Z' } });
    expect(list.list.map((c) => [c.id, c.status])).toEqual([
      ['a', 'LIVE'],
      ['b', 'ERROR'],
    ]);
    expect(list.get('b')?.error?.message).toBe('no such file');
  });

  it('adds a camera it did not know', () => {
    const list = new CameraList();
    list.upsert(camera('c'));
    expect(list.get('c')?.label).toBe('C');
  });
});
