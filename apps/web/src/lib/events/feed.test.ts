import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventFeed, eventLength, type MotionEvent, TOAST_MS, timelineSpan } from './feed.svelte.ts';

const event = (id: string, startedAt: string, endedAt: string | null = null): MotionEvent => ({
  id, cameraId: 'yard', startedAt, endedAt, inProgress: endedAt === null, peakScore: 0.1, boxes: [],
  snapshotUrl: null, snapshotWidth: null, snapshotHeight: null, recording: 'RECORDING', recordingError: null,
  clipUrl: null, clipMimeType: null, clipSeconds: null,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('EventFeed', () => {
  it('toasts a start, keeps the newest version of each event, and drops toasts after a while', () => {
    vi.useFakeTimers();
    const feed = new EventFeed();
    feed.apply('START', event('a', '2026-01-01T00:00:00Z'), 'Yard');
    expect(feed.toasts.map((toast) => toast.cameraLabel)).toEqual(['Yard']);
    feed.apply('END', event('a', '2026-01-01T00:00:00Z', '2026-01-01T00:00:04Z'), 'Yard');
    expect(feed.toasts).toHaveLength(1);
    expect(feed.live['a']?.endedAt).toBe('2026-01-01T00:00:04Z');
    expect(feed.revision).toBe(2);
    vi.advanceTimersByTime(TOAST_MS + 1);
    expect(feed.toasts).toEqual([]);
  });

  it('dismisses a toast on request', () => {
    const feed = new EventFeed();
    feed.apply('START', event('a', '2026-01-01T00:00:00Z'), 'Yard');
    feed.dismiss(feed.toasts[0]!.key);
    expect(feed.toasts).toEqual([]);
    feed.clear();
  });
});

describe('formatting', () => {
  it('gives an event length in words', () => {
    expect(eventLength(event('a', '2026-01-01T00:00:00Z', '2026-01-01T00:00:04.2Z'))).toBe('4.2 s');
    expect(eventLength(event('a', '2026-01-01T00:00:00Z', '2026-01-01T00:02:05Z'))).toBe('2 min 5 s');
    expect(eventLength(event('a', '2026-01-01T00:00:00Z'))).toBe('ongoing');
  });

  it('places an event on a timeline, clamped, and never invisible', () => {
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = from + 100_000;
    expect(timelineSpan(event('a', '2026-01-01T00:00:10Z', '2026-01-01T00:00:30Z'), from, to)).toEqual({ left: 10, width: 20 });
    expect(timelineSpan(event('a', '2026-01-01T00:00:50Z', '2026-01-01T00:00:50Z'), from, to).width).toBe(0.6);
    expect(timelineSpan(event('a', '2025-12-31T23:59:00Z', '2026-01-01T00:00:10Z'), from, to)).toEqual({ left: 0, width: 10 });
  });
});
