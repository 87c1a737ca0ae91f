/**
 * The motion-analyzer seam: one frame in, the moving regions out. The pure
 * TypeScript analyzer and the OpenCV one implement it, and pass one suite.
 * @module
 */
import type { CapturedImage } from '../../backends/backend.ts';
import type { MotionBox } from '../../motion.ts';

export interface MotionSample {
  /** The moving fraction of the frame, 0–1 (after the mask). */
  readonly score: number;
  /** Moving regions big enough to count, largest first (at most 5). */
  readonly boxes: readonly MotionBox[];
  /** The area of the largest region, as a fraction of the frame. */
  readonly largest: number;
}

export interface MotionAnalyzer {
  /** Compares the image with the scene's background, then learns it into the background. */
  analyze(image: CapturedImage): Promise<MotionSample>;
}

/** The size of the small copy detection runs on. */
export function detectSize(width: number, height: number, detectWidth: number): { width: number; height: number } {
  const w = Math.min(detectWidth, width);
  return { width: w, height: Math.max(1, Math.round((height * w) / width)) };
}

/** Pixel difference (0–255) that counts as change, from a sensitivity of 0–1. */
export function diffThreshold(sensitivity: number): number {
  return Math.round(12 + (1 - sensitivity) * 48);
}

/** How fast the background model follows the scene, per frame. */
export const BACKGROUND_RATE = 0.05;

export const MAX_BOXES = 5;
