/**
 * The page's side of the H.264 player's worker: hands the live view's canvas
 * to a worker (`transferControlToOffscreen`), where a WebCodecs decoder
 * decodes and draws each chunk (player-host.ts), and passes the chunks on as
 * they arrive. The page's main thread only receives the messages.
 *
 * Why: drawing a decoded `VideoFrame` converts YUV to RGB, in software when
 * there is no GPU: measured in headless Chromium 156, `drawImage` of a 720p
 * frame took 18.7 ms (p50) on the main thread, more than half of each 33 ms
 * frame, which also held back the next chunk's message. In a worker it delays
 * nothing else.
 *
 * A canvas handed over stays the worker's: each player needs a new `<canvas>`
 * that has no context yet (VideoCanvas.svelte makes one).
 * @module
 */
import type { PicturePaint, PlayableChunk } from './chunk.ts';
import type { FromPlayerWorker, ToPlayerWorker } from './player-messages.ts';

/** Whether this page can play in a worker: workers, and canvases it can hand over as an `OffscreenCanvas`. */
export function canPlayInWorker(scope: object = globalThis): boolean {
  const canvas = (scope as { HTMLCanvasElement?: { prototype: object } }).HTMLCanvasElement;
  return 'Worker' in scope && 'OffscreenCanvas' in scope && canvas !== undefined && 'transferControlToOffscreen' in canvas.prototype;
}

/** What the worker needs of a `Worker`: a test can stand in for it. */
export interface PlayerWorkerPort {
  postMessage(message: ToPlayerWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<FromPlayerWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface WorkerPlayerOptions {
  /** Each picture, once the worker's rendering update that drew it is over. */
  readonly onPaint?: ((paint: PicturePaint) => void) | undefined;
  readonly onDecodeError?: ((message: string) => void) | undefined;
  /** This browser cannot decode the stream's codec. */
  readonly onUnsupported?: ((reason: string) => void) | undefined;
  /** The worker itself failed: it did not load, or threw outside the player (whose own failures come as decode errors). */
  readonly onFailure?: ((reason: string) => void) | undefined;
  /** Starts the worker; by default h264.worker.ts, as a module worker (Vite bundles it into one script). */
  readonly createWorker?: (() => PlayerWorkerPort) | undefined;
  /** Whether the page is shown, and when that changes: the page's `document` by default. */
  readonly visibility?: PageVisibility | undefined;
}

/** What the player needs of `document`: whether the page is hidden, and its `visibilitychange`. */
export interface PageVisibility {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

function defaultWorker(): PlayerWorkerPort {
  return new Worker(new URL('./h264.worker.ts', import.meta.url), { type: 'module', name: 'servercam H.264 player' });
}

export class WorkerPlayer {
  readonly #worker: PlayerWorkerPort;
  readonly #visibility: PageVisibility;
  readonly #onVisibility = (): void => this.#worker.postMessage({ type: 'visibility', visible: !this.#visibility.hidden });
  #closed = false;

  /**
   * Starts the worker, then takes `canvas` over (it must have no context yet).
   * Throws when the worker cannot be created (a `SecurityError`, say): the
   * canvas is then untouched.
   */
  constructor(canvas: HTMLCanvasElement, options: WorkerPlayerOptions = {}) {
    const worker = (this.#worker = (options.createWorker ?? defaultWorker)());
    const offscreen = canvas.transferControlToOffscreen();
    const visibility = (this.#visibility = options.visibility ?? document);
    worker.onmessage = ({ data }) => {
      if (this.#closed) return;
      switch (data.type) {
        case 'paint':
          options.onPaint?.(data.paint);
          return;
        case 'decode-error':
          options.onDecodeError?.(data.message);
          return;
        case 'unsupported':
          options.onUnsupported?.(data.reason);
          return;
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (this.#closed) return;
      options.onFailure?.(`the H.264 player's worker failed: ${event.message || 'it could not be loaded'}`);
    };
    worker.postMessage({ type: 'start', canvas: offscreen, visible: !visibility.hidden }, [offscreen]);
    visibility.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** Passes the next chunk of the stream on to the worker. */
  push(chunk: PlayableChunk): void {
    if (!this.#closed) this.#worker.postMessage({ type: 'chunk', chunk });
  }

  /** Ends the worker (terminated), and with it its decoder and every frame it held. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#visibility.removeEventListener('visibilitychange', this.#onVisibility);
    this.#worker.terminate();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
