// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { FORCE_JPEG_KEY, LiveFormat } from './live-format.svelte.ts';
import { webCodecsMissing } from './webcodecs.ts';

afterEach(() => localStorage.clear());

describe('LiveFormat', () => {
  it('plays H.264 when the browser has WebCodecs and the viewer did not force JPEG', () => {
    const format = new LiveFormat({ storage: localStorage, missing: null });
    expect(format.format).toBe('h264');
    expect(format.notice).toBeNull();
  });

  it('remembers "Force JPEG" in localStorage for the next page', () => {
    new LiveFormat({ storage: localStorage }).setForceJpeg(true);
    expect(localStorage.getItem(FORCE_JPEG_KEY)).toBe('true');
    const next = new LiveFormat({ storage: localStorage });
    expect(next.forceJpeg).toBe(true);
    expect(next.format).toBe('jpeg');
  });

  it('falls back to JPEG with the reason as its notice, until the viewer toggles "Force JPEG"', () => {
    const format = new LiveFormat({ storage: localStorage });
    format.fallBack('VIDEO_ENCODER_UNAVAILABLE: ffmpeg not found');
    format.fallBack('a later error');
    expect(format.format).toBe('jpeg');
    expect(format.notice).toBe('VIDEO_ENCODER_UNAVAILABLE: ffmpeg not found');
    format.setForceJpeg(true);
    expect(format.notice).toBeNull();
    format.setForceJpeg(false);
    expect(format.format).toBe('h264');
  });

  it('plays JPEG in a browser without WebCodecs and says why', () => {
    const missing = webCodecsMissing(window);
    expect(missing).toBe('this browser has no WebCodecs');
    const format = new LiveFormat({ storage: localStorage, missing });
    format.setForceJpeg(false);
    expect(format.format).toBe('jpeg');
    expect(format.notice).toBe(missing);
  });
});
