import { describe, expect, it } from 'vitest';
import { frameFileName } from './download.ts';

describe('frameFileName', () => {
  it('names the camera and the capture time, safe for every file system', () => {
    expect(frameFileName({ cameraId: 'front door', capturedAt: '2026-11-27T10:55:42.123Z', mimeType: 'image/jpeg' })).toBe(
      'servercam-front_door-2026-11-27T10-55-42-123Z.jpg',
    );
  });
});
