import { describe, expect, it } from 'vitest';
import { MotionTracker } from '../src/capture/motion/tracker.ts';
import { resolveMotionConfig } from '../src/motion.ts';

const config = resolveMotionConfig({ quietSeconds: 1, detectFps: 10, minArea: 0.01 });
const moving = { score: 0.05, largest: 0.05, boxes: [{ x: 0.1, y: 0.4, width: 0.1, height: 0.2 }] };
const quiet = { score: 0, largest: 0, boxes: [] };

describe('MotionTracker', () => {
  it('starts on motion and ends after quietSeconds of observed quiet', () => {
    const tracker = new MotionTracker(config);
    expect(tracker.update(moving, 0).kind).toBe('start');
    let t = 0;
    let step = tracker.update(quiet, (t += 100));
    while (step.kind === 'continue') step = tracker.update(quiet, (t += 100));
    expect(step.kind).toBe('end');
    expect(t).toBe(1000);
  });

  it('a stall of the machine (no samples for longer than quietSeconds) does not end an event', () => {
    const tracker = new MotionTracker(config);
    tracker.update(moving, 0);
    expect(tracker.update(quiet, 2500).kind).toBe('continue');
    expect(tracker.update(moving, 2600).kind).toBe('continue');
    expect(tracker.active?.startedAt).toBe(0);
  });

  it('keeps the peak score and its boxes', () => {
    const tracker = new MotionTracker(config);
    tracker.update(moving, 0);
    tracker.update({ ...moving, score: 0.2, boxes: [{ x: 0.5, y: 0.5, width: 0.2, height: 0.2 }] }, 100);
    tracker.update(moving, 200);
    expect(tracker.active).toMatchObject({ peakScore: 0.2, peakBoxes: [{ x: 0.5 }] });
  });
});
