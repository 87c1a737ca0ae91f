/**
 * The messages between the live view and the H.264 player's worker
 * (`h264.worker.ts`): the page hands over the canvas and the chunks as they
 * arrive, and says when it is hidden or shown; the worker reports each
 * picture it painted and what went wrong. The page ends the worker by
 * terminating it.
 * @module
 */
import type { PicturePaint, PlayableChunk } from './chunk.ts';

export type ToPlayerWorker =
  /** First: the canvas to draw on (transferred), from `transferControlToOffscreen()`. */
  | { readonly type: 'start'; readonly canvas: OffscreenCanvas; readonly visible: boolean }
  /** The page was hidden or shown again (`document.visibilityState`). */
  | { readonly type: 'visibility'; readonly visible: boolean }
  | { readonly type: 'chunk'; readonly chunk: PlayableChunk };

export type FromPlayerWorker =
  /** A picture drawn, sent once the rendering update that drew it is over (`renderedAt`). */
  | { readonly type: 'paint'; readonly paint: PicturePaint }
  | { readonly type: 'decode-error'; readonly message: string }
  | { readonly type: 'unsupported'; readonly reason: string };
