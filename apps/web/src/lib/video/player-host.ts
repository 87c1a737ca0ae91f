/**
 * The worker side of the H.264 player (`h264.worker.ts` runs it): an
 * H264Player drawing on the `OffscreenCanvas` the page handed over. Decoding
 * and, above all, drawing a `VideoFrame` (the YUV → RGB conversion, about
 * 19 ms a 720p picture in software) then happen off the page's main thread,
 * which stays free to take the next chunk's message at once.
 *
 * While the page is visible, a decoded picture is drawn in the next task, not
 * at the worker's next animation frame: the canvas commits at the end of that
 * task and the compositor shows it at its next frame either way, so waiting
 * for the animation frame only added its wait (measured in headless Chromium,
 * capture → paint p50 47 ms with it, 26–30 ms without, load 2.1–2.8). Pictures
 * decoded in one task are still drawn once. While the page is hidden, drawing
 * waits for an animation frame, which hidden pages do not get: the decoder
 * goes on (so the picture is current when the page shows again), and nothing
 * is converted for no one.
 *
 * Each paint is reported once the task that drew it is over and the canvas
 * has committed (`renderedAt`); decode errors and an unsupported codec are
 * reported as messages. `close` (or the worker's end) closes the decoder and
 * every frame held.
 * @module
 */
import { afterRendering } from './after-rendering.ts';
import { H264Player, type DecodedFrame, type H264PlayerOptions } from './h264-player.ts';
import type { FromPlayerWorker, ToPlayerWorker } from './player-messages.ts';

/** What the host needs of the worker's global scope. */
export interface PlayerScope {
  postMessage(message: FromPlayerWorker): void;
  onmessage: ((event: MessageEvent<ToPlayerWorker>) => void) | null;
  requestAnimationFrame?: ((callback: () => void) => unknown) | undefined;
}

/** The browser's WebCodecs in the worker (or a test's stand-in), and how to draw on the canvas handed over. */
export interface PlayerHostOptions<F extends DecodedFrame, C> extends Pick<H264PlayerOptions<F, C>, 'createDecoder' | 'createChunk' | 'isConfigSupported'> {
  readonly surface: (canvas: OffscreenCanvas) => { draw(frame: F): void };
}

/** Serves one player in `scope`: started by the page's `start` message, fed by `chunk`, ended by `close`. */
export function hostPlayer<F extends DecodedFrame, C>(scope: PlayerScope, options: PlayerHostOptions<F, C>): void {
  const { surface, ...codecs } = options;
  let player: H264Player<F, C> | null = null;
  let closed = false;
  let visible = true;
  const later = afterRendering();
  const animationFrame = scope.requestAnimationFrame?.bind(scope);
  const requestFrame = (callback: () => void): void => {
    if (visible || !animationFrame) later(callback);
    else animationFrame(callback);
  };
  const post = (message: FromPlayerWorker): void => scope.postMessage(message);
  scope.onmessage = ({ data }) => {
    if (closed) return;
    switch (data.type) {
      case 'start':
        visible = data.visible;
        player?.close();
        player = new H264Player<F, C>({
          ...codecs,
          surface: surface(data.canvas),
          requestFrame,
          // Reported once this animation frame's rendering (the canvas's commit) is over.
          onPaint: (paint) => later(() => post({ type: 'paint', paint: { ...paint, renderedAt: Date.now() } })),
          onDecodeError: (error) => post({ type: 'decode-error', message: error instanceof Error ? error.message : String(error) }),
          onUnsupported: (codec) => post({ type: 'unsupported', reason: `this browser cannot decode ${codec}` }),
        });
        return;
      case 'chunk':
        player?.push(data.chunk);
        return;
      case 'visibility':
        visible = data.visible;
        return;
      case 'close':
        closed = true;
        player?.close();
        player = null;
        return;
    }
  };
}
