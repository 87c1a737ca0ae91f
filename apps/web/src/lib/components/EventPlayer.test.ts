// @vitest-environment jsdom
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { MotionEvent } from '../events/feed.svelte.ts';
import EventPlayer from './EventPlayer.svelte';

const base: MotionEvent = {
  id: 'yard-1', cameraId: 'yard', startedAt: '2026-01-01T12:00:00Z', endedAt: '2026-01-01T12:00:04Z', inProgress: false, peakScore: 0.02,
  boxes: [{ x: 0.1, y: 0.4, width: 0.1, height: 0.2 }], snapshotUrl: '/events/yard-1/snapshot.jpg', snapshotWidth: 640, snapshotHeight: 360,
  recording: 'READY', recordingError: null, clipUrl: '/events/yard-1/clip.mp4', clipMimeType: 'video/mp4', clipSeconds: 5,
};

describe('EventPlayer', () => {
  it('plays an MP4 clip in a video element', () => {
    render(EventPlayer, { props: { event: base, cameraLabel: 'Yard' } });
    const video = screen.getByLabelText(/^Clip of Yard/) as HTMLVideoElement;
    expect(video.tagName).toBe('VIDEO');
    expect(video.getAttribute('src')).toBe('/events/yard-1/clip.mp4');
  });

  it('shows the snapshot with its boxes and the reason when the recording failed', () => {
    const { container } = render(EventPlayer, {
      props: { event: { ...base, recording: 'FAILED', recordingError: 'Cannot create the clip directory: EROFS', clipUrl: null }, cameraLabel: 'Yard' },
    });
    expect(screen.getByAltText(/^Snapshot of Yard/)).toBeTruthy();
    expect(container.querySelectorAll('.box')).toHaveLength(1);
    expect(screen.getByText(/Recording failed/).parentElement!.textContent).toContain('EROFS');
  });

  it('offers an AVI clip as a download', () => {
    render(EventPlayer, { props: { event: { ...base, clipUrl: '/events/yard-1/clip.avi', clipMimeType: 'video/x-msvideo' }, cameraLabel: 'Yard' } });
    expect(screen.getByRole('link', { name: 'Download the clip' }).getAttribute('href')).toBe('/events/yard-1/clip.avi');
  });
});
