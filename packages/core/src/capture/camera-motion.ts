/**
 * A camera's motion detection on the capture side: frames thinned to
 * `detectFps`, analysed (by the backend's analyzer where it has one, else the
 * pure one), tracked into events, and each event's start and end posted with
 * its snapshot.
 * @module
 */
import type { OpenedSource, CapturedImage } from '../backends/backend.ts';
import { scaledSize } from '../frame.ts';
import type { ResolvedMotionConfig } from '../motion.ts';
import type { WorkerToMain } from '../protocol.ts';
import type { MotionAnalyzer } from './motion/analyzer.ts';
import { PureMotionAnalyzer } from './motion/pure-analyzer.ts';
import { MotionTracker, type TrackedEvent, type TrackerStep } from './motion/tracker.ts';
import { transferableCopy } from './transfer.ts';

/** Motion snapshots are at most this wide. */
const SNAPSHOT_WIDTH = 640;

export interface MotionContext {
  readonly session: number;
  readonly cameraId: string;
  post(message: WorkerToMain, transfer?: ArrayBuffer[]): void;
}

export class CameraMotion {
  readonly #config: ResolvedMotionConfig;
  readonly #tracker: MotionTracker;
  readonly #ctx: MotionContext;
  #analyzer: MotionAnalyzer | undefined;
  #lastAnalyzedAt = 0;
  #analyzed = 0;
  #ms = 0;

  constructor(config: ResolvedMotionConfig, ctx: MotionContext) {
    this.#config = config;
    this.#tracker = new MotionTracker(config);
    this.#ctx = ctx;
  }

  /** Frames analysed so far. */
  get analyzed(): number {
    return this.#analyzed;
  }

  /** Time spent analysing, ms in all. */
  get ms(): number {
    return this.#ms;
  }

  /** Runs detection on a frame when one is due, and reports events as they start and end. */
  async detect(source: OpenedSource, image: CapturedImage, at: number, quality: number): Promise<void> {
    const config = this.#config;
    // Thin analysis to detectFps; a little slack so 30 fps thinned to 10 keeps every third frame.
    const interval = 1000 / config.detectFps;
    if (at - this.#lastAnalyzedAt < interval * 0.8) return;
    this.#lastAnalyzedAt = at;
    this.#analyzer ??= config.engine !== 'pure' && source.createMotionAnalyzer
      ? source.createMotionAnalyzer(config)
      : new PureMotionAnalyzer(config);
    const started = performance.now();
    const sample = await this.#analyzer.analyze(image);
    this.#ms += performance.now() - started;
    this.#analyzed++;
    const step = this.#tracker.update(sample, at);
    if ((step.kind === 'start' || step.kind === 'continue') && step.snapshot) {
      const size = scaledSize(image.width, image.height, SNAPSHOT_WIDTH);
      step.event.snapshot = { data: await image.encode({ quality, ...size }), ...size };
    }
    this.#post(step);
  }

  /** Ends the event in progress, if any (the camera stopped, failed or paused). */
  end(): void {
    this.#post(this.#tracker.end());
  }

  #post(step: TrackerStep): void {
    if (step.kind !== 'start' && step.kind !== 'end') return;
    const event: TrackedEvent = step.event;
    const snapshot = event.snapshot ? transferableCopy(event.snapshot.data) : undefined;
    this.#ctx.post(
      {
        type: 'motion',
        session: this.#ctx.session,
        cameraId: this.#ctx.cameraId,
        phase: step.kind,
        startedAt: event.startedAt,
        endedAt: step.kind === 'end' ? event.lastMotionAt : undefined,
        peakScore: event.peakScore,
        boxes: [...event.peakBoxes],
        snapshot,
        snapshotWidth: event.snapshot?.width,
        snapshotHeight: event.snapshot?.height,
      },
      snapshot ? [snapshot] : [],
    );
  }
}
