import { describe, expect, it } from 'vitest';
import { parseSource, redactSource } from '@servercam/core';

describe('parseSource', () => {
  it('reads a number as a device index', () => {
    expect(parseSource('0')).toMatchObject({ kind: 'device', backend: 'opencv', device: 0 });
    expect(parseSource(2)).toMatchObject({ kind: 'device', device: 2 });
  });

  it('reads /dev/videoN as a device path', () => {
    expect(parseSource('/dev/video2')).toMatchObject({ kind: 'device', device: '/dev/video2' });
  });

  it('reads rtsp, http and https URLs as network streams', () => {
    for (const url of ['rtsp://cam.local/live', 'http://10.0.0.2/mjpeg', 'https://example.org/a.m3u8']) {
      expect(parseSource(url)).toMatchObject({ kind: 'url', backend: 'opencv', url });
    }
  });

  it('reads synthetic sources with the default size and rate', () => {
    expect(parseSource('synthetic')).toMatchObject({ kind: 'synthetic', backend: 'synthetic', width: 1280, height: 720, fps: 30 });
  });

  it('reads synthetic:WIDTHxHEIGHT and an optional @FPS', () => {
    expect(parseSource('synthetic:640x480')).toMatchObject({ width: 640, height: 480, fps: 30 });
    expect(parseSource('synthetic:320x240@12.5')).toMatchObject({ width: 320, height: 240, fps: 12.5 });
  });

  it('rejects a malformed synthetic source with a message that shows the forms', () => {
    expect(() => parseSource('synthetic:big')).toThrow(/synthetic:WIDTHxHEIGHT/);
    expect(() => parseSource('synthetic:4x4')).toThrow(/out of range/);
  });

  it('reads anything else as a video file', () => {
    expect(parseSource('/videos/lobby.mp4')).toMatchObject({ kind: 'file', path: '/videos/lobby.mp4' });
  });

  it('rejects an empty source', () => {
    expect(() => parseSource('  ')).toThrow(/empty/);
  });

  it('redacts credentials in URLs', () => {
    expect(redactSource('rtsp://admin:secret@cam.local/live')).toBe('rtsp://***@cam.local/live');
    expect(redactSource('/videos/a.mp4')).toBe('/videos/a.mp4');
  });
});
