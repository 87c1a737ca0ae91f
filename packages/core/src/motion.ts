/**
 * Motion detection settings and events. Detection is opt-in per camera and
 * runs on the capture side, on a small grayscale copy of each frame.
 * @module
 */

/** A rectangle in relative coordinates: 0–1 of the frame's width and height. */
export interface MotionBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface MotionConfig {
  /** 0–1: higher notices fainter changes (default 0.5). */
  readonly sensitivity?: number | undefined;
  /** The smallest moving region that counts, as a fraction of the frame (default 0.005). */
  readonly minArea?: number | undefined;
  /** Regions to ignore (a clock, a tree in the wind), relative coordinates. */
  readonly mask?: readonly MotionBox[] | undefined;
  /** An event ends after this many seconds without motion (default 3). */
  readonly quietSeconds?: number | undefined;
  /** The width of the grayscale copy detection runs on (default 160). */
  readonly detectWidth?: number | undefined;
  /** Analyze at most this many frames per second (default 10); capture may run faster. */
  readonly detectFps?: number | undefined;
  /** `auto` (default): OpenCV for OpenCV cameras, the pure TypeScript detector otherwise. */
  readonly engine?: 'auto' | 'opencv' | 'pure' | undefined;
}

export interface ResolvedMotionConfig {
  readonly sensitivity: number;
  readonly minArea: number;
  readonly mask: readonly MotionBox[];
  readonly quietSeconds: number;
  readonly detectWidth: number;
  readonly detectFps: number;
  readonly engine: 'auto' | 'opencv' | 'pure';
}

export function resolveMotionConfig(config: MotionConfig): ResolvedMotionConfig {
  const resolved: ResolvedMotionConfig = {
    sensitivity: config.sensitivity ?? 0.5,
    minArea: config.minArea ?? 0.005,
    mask: config.mask ?? [],
    quietSeconds: config.quietSeconds ?? 3,
    detectWidth: config.detectWidth ?? 160,
    detectFps: config.detectFps ?? 10,
    engine: config.engine ?? 'auto',
  };
  if (!(resolved.detectFps > 0 && resolved.detectFps <= 240)) throw new TypeError(`motion.detectFps must be > 0 and at most 240, got ${resolved.detectFps}`);
  if (!(resolved.sensitivity >= 0 && resolved.sensitivity <= 1)) throw new TypeError(`motion.sensitivity must be from 0 to 1, got ${resolved.sensitivity}`);
  if (!(resolved.minArea > 0 && resolved.minArea < 1)) throw new TypeError(`motion.minArea must be between 0 and 1, got ${resolved.minArea}`);
  if (!(resolved.quietSeconds > 0)) throw new TypeError(`motion.quietSeconds must be > 0, got ${resolved.quietSeconds}`);
  if (!(Number.isInteger(resolved.detectWidth) && resolved.detectWidth >= 32 && resolved.detectWidth <= 640)) {
    throw new TypeError(`motion.detectWidth must be a whole number from 32 to 640, got ${resolved.detectWidth}`);
  }
  if (!['auto', 'opencv', 'pure'].includes(resolved.engine)) throw new TypeError(`motion.engine must be auto, opencv or pure`);
  return resolved;
}

/** A motion event, as the stream reports it when it starts and when it ends. */
export interface MotionEvent {
  /** Unique per camera and stream: `${cameraId}-${startedAt}`. */
  readonly id: string;
  readonly cameraId: string;
  readonly phase: 'start' | 'end';
  /** Epoch ms of the first frame with motion. */
  readonly startedAt: number;
  /** Epoch ms of the last frame with motion (on `end`). */
  readonly endedAt: number | undefined;
  /** The highest score seen: the moving fraction of the frame, 0–1. */
  readonly peakScore: number;
  /** The largest moving regions at the peak, largest first. */
  readonly boxes: readonly MotionBox[];
  /** The frame at the peak, a JPEG (on `end`; on `start`, the first frame). */
  readonly snapshot: Uint8Array | undefined;
  readonly snapshotWidth: number | undefined;
  readonly snapshotHeight: number | undefined;
}
