/**
 * A source of frames for a video component: starts delivering on call and
 * stops when the returned function is called.
 * @module
 */
import type { PaintableFrame } from '../frames/frame-painter.ts';

export type FrameSource = (push: (frame: PaintableFrame) => void) => () => void;
