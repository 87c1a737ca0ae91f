/**
 * Turns per-frame motion samples into events: a start on the first frame with
 * a region big enough, an end after `quietSeconds` without one, the peak score
 * and its boxes, and the snapshot of the best frame.
 * @module
 */
import type { MotionBox, ResolvedMotionConfig } from '../../motion.ts';
import type { MotionSample } from './analyzer.ts';

export interface TrackedEvent {
  readonly startedAt: number;
  lastMotionAt: number;
  peakScore: number;
  peakBoxes: readonly MotionBox[];
  /** When the snapshot was last replaced; snapshots are taken at most twice a second. */
  snapshotAt: number;
  snapshot: { data: Uint8Array; width: number; height: number } | undefined;
}

export type TrackerStep =
  | { kind: 'start'; event: TrackedEvent; snapshot: boolean }
  | { kind: 'continue'; event: TrackedEvent; snapshot: boolean }
  | { kind: 'end'; event: TrackedEvent }
  | { kind: 'none' };

const SNAPSHOT_INTERVAL_MS = 500;

export class MotionTracker {
  readonly #config: ResolvedMotionConfig;
  #event: TrackedEvent | undefined;
  /** Quiet samples seen since the last motion. */
  #quietSamples = 0;

  constructor(config: ResolvedMotionConfig) {
    this.#config = config;
  }

  get active(): TrackedEvent | undefined {
    return this.#event;
  }

  /** Feeds one sample taken at `at`; says whether an event starts, goes on (and wants a new snapshot) or ends. */
  update(sample: MotionSample, at: number): TrackerStep {
    const moving = sample.boxes.length > 0 && sample.largest >= this.#config.minArea;
    const event = this.#event;
    if (!event) {
      if (!moving) return { kind: 'none' };
      this.#quietSamples = 0;
      this.#event = { startedAt: at, lastMotionAt: at, peakScore: sample.score, peakBoxes: sample.boxes, snapshotAt: at, snapshot: undefined };
      return { kind: 'start', event: this.#event, snapshot: true };
    }
    if (moving) {
      event.lastMotionAt = at;
      this.#quietSamples = 0;
      if (sample.score > event.peakScore) {
        event.peakScore = sample.score;
        event.peakBoxes = sample.boxes;
        const snapshot = at - event.snapshotAt >= SNAPSHOT_INTERVAL_MS;
        if (snapshot) event.snapshotAt = at;
        return { kind: 'continue', event, snapshot };
      }
      return { kind: 'continue', event, snapshot: false };
    }
    // Quiet long enough, and actually seen to be quiet: a stall of the machine (no samples) or one
    // missed frame never ends an event; half the quiet period's analyses must agree.
    this.#quietSamples++;
    const needed = Math.max(2, Math.floor((this.#config.quietSeconds * this.#config.detectFps) / 2));
    if (at - event.lastMotionAt >= this.#config.quietSeconds * 1000 && this.#quietSamples >= needed) return this.end();
    return { kind: 'continue', event, snapshot: false };
  }

  /** Ends the current event now (the camera failed or capture stopped). */
  end(): TrackerStep {
    const event = this.#event;
    this.#event = undefined;
    return event ? { kind: 'end', event } : { kind: 'none' };
  }
}
