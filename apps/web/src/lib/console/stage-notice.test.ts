import { describe, expect, it } from 'vitest';
import { brokenCamera, liveCamera } from './camera-fixtures.ts';
import type { Camera } from './cameras.svelte.ts';
import { STALL_MS, stageNotice, type StageInput } from './stage-notice.ts';

const live: Camera = liveCamera();
const broken: Camera = { ...brokenCamera('Cannot open /nope.mp4'), width: 640, height: 360, measuredFps: 10, viewers: 1 };
const now = 1_000_000;
const base: StageInput = {
  phase: 'connected',
  connectedOnce: true,
  retryAt: null,
  camera: live,
  paused: false,
  hasFrame: true,
  lastFrameAt: now - 50,
  streamError: null,
  now,
};

describe('stageNotice', () => {
  it('says nothing while frames flow', () => {
    expect(stageNotice(base)).toBeNull();
  });

  it('says the server is unreachable, and when it tries again', () => {
    const notice = stageNotice({ ...base, phase: 'reconnecting', retryAt: now + 2_500 });
    expect(notice).toMatchObject({ kind: 'offline', title: 'Server unreachable', detail: 'Reconnecting in 3 s…' });
  });

  it("shows a camera's error with its message and that it retries", () => {
    const notice = stageNotice({ ...base, camera: broken, hasFrame: false });
    expect(notice?.kind).toBe('camera-error');
    expect(notice?.detail).toBe('Cannot open /nope.mp4');
    expect(notice?.hint).toMatch(/retrying/);
  });

  it('says when no frame has come yet', () => {
    const notice = stageNotice({ ...base, camera: { ...live, status: 'OPENING' }, hasFrame: false, lastFrameAt: null });
    expect(notice).toMatchObject({ kind: 'waiting', title: 'No frames yet' });
    expect(notice?.detail).toContain('Synthetic (opening)');
  });

  it('says the picture is paused', () => {
    expect(stageNotice({ ...base, paused: true })?.kind).toBe('paused');
  });

  it('says when frames stopped coming although the camera is live', () => {
    const notice = stageNotice({ ...base, lastFrameAt: now - STALL_MS - 1_000 });
    expect(notice).toMatchObject({ kind: 'stalled', detail: 'The last frame arrived 4 s ago.' });
  });

  it('puts a lost connection before a camera error', () => {
    expect(stageNotice({ ...base, camera: broken, phase: 'reconnecting' })?.kind).toBe('offline');
  });
});
