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
 * reported as messages. The page ends the player by terminating the worker,
 * which frees its decoder and every frame it held.
 * @module
 */
import { afterRendering } from './after-rendering.ts';
import { H264Player, type DecodedFrame, type H264PlayerOptions } from './h264-player.ts';
import type { FromPlayerWorker, ToPlayerWorker } from './player-messages.ts';
import { cannotDecode, errorText } from './webcodecs.ts';

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

/** Serves one player in `scope`: started by the page's `start` message, fed by `chunk`; the page ends it by terminating the worker. */
export function hostPlayer<F extends DecodedFrame, C>(scope: PlayerScope, options: PlayerHostOptions<F, C>): void {
  const { surface, ...codecs } = options;
  let player: H264Player<F, C> | null = null;
  let visible = true;
  const later = afterRendering();
  const animationFrame = scope.requestAnimationFrame?.bind(scope);
  const post = (message: FromPlayerWorker): void => scope.postMessage(message);
  // A failure of the player itself (a picture that would not draw, a description that is not base64) is reported
  // like a decode error, and play goes on: the page gives H.264 up only after several in a row without a picture.
  const guarded = (run: () => void): void => {
    try {
      run();
    } catch (error) {
      post({ type: 'decode-error', message: errorText(error) });
    }
  };
  /** The drawing waiting for an animation frame while the page is hidden: drawn at once when it is shown. */
  let pending: (() => void) | null = null;
  const requestFrame = (callback: () => void): void => {
    const draw = (): void => guarded(callback);
    if (visible || !animationFrame) {
      later(draw);
      return;
    }
    pending = draw;
    animationFrame(() => {
      const next = pending;
      pending = null;
      next?.();
    });
  };
  scope.onmessage = ({ data }) => {
    switch (data.type) {
      case 'start':
        visible = data.visible;
        player?.close();
        player = new H264Player<F, C>({
          ...codecs,
          surface: surface(data.canvas),
          requestFrame,
          // Reported once the task that drew it, and with it the canvas's commit, is over.
          onPaint: (paint) => later(() => post({ type: 'paint', paint: { ...paint, renderedAt: Date.now() } })),
          onDecodeError: (error) => post({ type: 'decode-error', message: errorText(error) }),
          onUnsupported: (codec) => post({ type: 'unsupported', reason: cannotDecode(codec) }),
        });
        return;
      case 'chunk':
        guarded(() => player?.push(data.chunk));
        return;
      case 'visibility':
        visible = data.visible;
        if (visible && pending) {
          const next = pending;
          pending = null;
          later(next);
        }
        return;
    }
  };
}
