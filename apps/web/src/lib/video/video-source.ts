/**
 * A source of H.264 chunks for a video component: starts delivering on call
 * and stops when the returned function is called.
 * @module
 */
import type { PlayableChunk } from './chunk.ts';

export type VideoSource = (push: (chunk: PlayableChunk) => void) => () => void;
