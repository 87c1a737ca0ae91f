/**
 * An opt-in record of every picture the live view paints, for the benchmark's
 * "capture → paint" figure (bench/src/paint-latency.ts). It is off unless the
 * page's global {@link PAINT_PROBE} is an array before the app starts (the
 * bench sets it with `page.addInitScript(() => { window.__servercamPaints = [] })`):
 * then the live view appends one {@link PaintSample} per picture drawn, and the
 * reader takes them out with `window.__servercamPaints.splice(0)`. Off, it
 * costs one property read when the live view starts, nothing per picture.
 *
 * What a sample measures, on the page's wall clock (`Date.now()`):
 * - `paintedAt`: right after `drawImage` put the picture on the canvas, inside
 *   the callback that draws it (see LatestPicture; on the page, a
 *   `requestAnimationFrame` callback);
 *   `latencyMs` = `paintedAt − capturedAt` is the figure the overlay shows as
 *   "Latency";
 * - `renderedAt`: when the rendering update of that animation frame is over
 *   (style, layout, paint, and the commit to the compositor): a task posted
 *   from the `requestAnimationFrame` callback runs only after it. This is the
 *   paint the viewer sees, less the compositor's drawing to the screen.
 *   When H.264 plays in a worker on an `OffscreenCanvas` (player-worker.ts),
 *   the picture is drawn in a task of the worker (player-host.ts), the canvas
 *   commits at its end, and the worker stamps `renderedAt` in the task after
 *   it, before it reports the paint; `paintedAt` is then just after its
 *   `drawImage` in the worker.
 * `capturedAt` is the server's capture stamp: both are exact when the browser
 * and the server share a machine, as in the bench.
 * @module
 */
import { afterRendering } from './after-rendering.ts';
import type { PicturePaint } from './chunk.ts';
import type { LiveFormatKind } from './live-format.svelte.ts';

/** The global that turns the probe on: an array, set before the app loads. */
export const PAINT_PROBE = '__servercamPaints';

/** Samples kept at most while nobody reads them; older ones are dropped first. */
export const MAX_PAINT_SAMPLES = 20_000;

/** One picture painted by the live view. */
export interface PaintSample {
  readonly format: LiveFormatKind;
  readonly cameraId: string;
  readonly seq: number;
  readonly capturedAt: string;
  /** Epoch ms, the page's clock, just after the picture was drawn to the canvas. */
  readonly paintedAt: number;
  /** `paintedAt` − `capturedAt`, ms; NaN when `capturedAt` is not a date. */
  readonly latencyMs: number;
  /** Epoch ms, the page's clock, once the rendering update that drew it is over; null until then. */
  renderedAt: number | null;
}

/** Records a painted picture (when the probe is on). */
export type PaintRecorder = (format: LiveFormatKind, paint: PicturePaint) => void;

/** The recorder when `scope[PAINT_PROBE]` is an array, else null: the probe is off. */
export function paintProbe(scope: object = globalThis): PaintRecorder | null {
  const samples: unknown = (scope as Record<string, unknown>)[PAINT_PROBE];
  if (!Array.isArray(samples)) return null;
  const into = samples as PaintSample[];
  const later = afterRendering();
  return (format, { frame, paintedAt, latencyMs, renderedAt }) => {
    if (into.length >= MAX_PAINT_SAMPLES) into.splice(0, into.length - MAX_PAINT_SAMPLES + 1);
    const sample: PaintSample = { format, cameraId: frame.cameraId, seq: frame.seq, capturedAt: frame.capturedAt, paintedAt, latencyMs, renderedAt: renderedAt ?? null };
    into.push(sample);
    // Painted on this page's main thread: its rendering update ends after this task.
    if (renderedAt === undefined) later(() => (sample.renderedAt = Date.now()));
  };
}
