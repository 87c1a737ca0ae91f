import { describe, expect, it, vi } from 'vitest';
import type { PicturePaint } from './chunk.ts';
import type { FromPlayerWorker, ToPlayerWorker } from './player-messages.ts';
import { WorkerPlayer, canPlayInWorker, type PlayerWorkerPort } from './player-worker.ts';
import { chunk } from './test-codecs.ts';

/** A worker the test stands in for: it records what it is sent, and the test plays its side. */
class TestWorker implements PlayerWorkerPort {
  readonly sent: Array<{ message: ToPlayerWorker; transfer: Transferable[] | undefined }> = [];
  terminated = false;
  onmessage: ((event: MessageEvent<FromPlayerWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: ToPlayerWorker, transfer?: Transferable[]): void {
    this.sent.push({ message, transfer });
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: FromPlayerWorker): void {
    this.onmessage?.(new MessageEvent('message', { data: message }));
  }
}

/** The page's visibility, switched by the test. */
class TestVisibility extends EventTarget {
  hidden = false;
  listeners = 0;
  override addEventListener(type: string, listener: () => void): void {
    this.listeners++;
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: () => void): void {
    this.listeners--;
    super.removeEventListener(type, listener);
  }
  set(hidden: boolean): void {
    this.hidden = hidden;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

function setup() {
  const worker = new TestWorker();
  const visibility = new TestVisibility();
  const offscreen = { name: 'offscreen' } as unknown as OffscreenCanvas;
  const canvas = { transferControlToOffscreen: vi.fn(() => offscreen) } as unknown as HTMLCanvasElement;
  const calls = { paints: [] as PicturePaint[], decodeErrors: [] as string[], unsupported: [] as string[], failures: [] as string[] };
  const player = new WorkerPlayer(canvas, {
    createWorker: () => worker,
    visibility,
    onPaint: (paint) => calls.paints.push(paint),
    onDecodeError: (message) => calls.decodeErrors.push(message),
    onUnsupported: (reason) => calls.unsupported.push(reason),
    onFailure: (reason) => calls.failures.push(reason),
  });
  return { worker, offscreen, player, calls, visibility };
}

const paint: PicturePaint = {
  frame: { cameraId: 'cam', seq: 1, capturedAt: '2026-12-02T10:00:00.000Z', width: 1280, height: 720 },
  paintedAt: Date.parse('2026-12-02T10:00:00.040Z'),
  latencyMs: 40,
  renderedAt: Date.parse('2026-12-02T10:00:00.042Z'),
};

describe('canPlayInWorker', () => {
  it('is true where the page has workers, OffscreenCanvas and transferControlToOffscreen', () => {
    class Canvas {
      transferControlToOffscreen(): void {}
    }
    expect(canPlayInWorker({ Worker: class {}, OffscreenCanvas: class {}, HTMLCanvasElement: Canvas })).toBe(true);
  });

  it('is false without any of them', () => {
    class Canvas {
      transferControlToOffscreen(): void {}
    }
    expect(canPlayInWorker({ OffscreenCanvas: class {}, HTMLCanvasElement: Canvas })).toBe(false);
    expect(canPlayInWorker({ Worker: class {}, HTMLCanvasElement: Canvas })).toBe(false);
    expect(canPlayInWorker({ Worker: class {}, OffscreenCanvas: class {}, HTMLCanvasElement: class {} })).toBe(false);
  });
});

describe('WorkerPlayer', () => {
  it('hands the canvas over to the worker, transferred, before any chunk', () => {
    const { worker, offscreen, player } = setup();
    player.push(chunk(1, true));
    expect(worker.sent).toEqual([
      { message: { type: 'start', canvas: offscreen, visible: true }, transfer: [offscreen] },
      { message: { type: 'chunk', chunk: chunk(1, true) }, transfer: undefined },
    ]);
  });

  it('tells the worker when the page is hidden and shown again', () => {
    const { worker, visibility } = setup();
    visibility.set(true);
    visibility.set(false);
    expect(worker.sent.slice(1).map(({ message }) => message)).toEqual([
      { type: 'visibility', visible: false },
      { type: 'visibility', visible: true },
    ]);
  });

  it("passes the worker's paints, decode errors and unsupported codecs on", () => {
    const { worker, calls } = setup();
    worker.reply({ type: 'paint', paint });
    worker.reply({ type: 'decode-error', message: 'Decoding error.' });
    worker.reply({ type: 'unsupported', reason: 'this browser cannot decode avc1.64001f' });
    expect(calls).toEqual({ paints: [paint], decodeErrors: ['Decoding error.'], unsupported: ['this browser cannot decode avc1.64001f'], failures: [] });
  });

  it('reports a worker that failed, and keeps its error from the page', () => {
    const { worker, calls } = setup();
    const event = new Event('error', { cancelable: true }) as ErrorEvent;
    Object.defineProperty(event, 'message', { value: 'Uncaught SyntaxError' });
    worker.onerror?.(event);
    expect(calls.failures).toEqual(["the H.264 player's worker failed: Uncaught SyntaxError"]);
    expect(event.defaultPrevented).toBe(true);
  });

  it('on close, terminates the worker and passes nothing more on', () => {
    const { worker, player, calls, visibility } = setup();
    const sent = worker.sent.length;
    player.close();
    expect(worker.terminated).toBe(true);
    expect(visibility.listeners).toBe(0);
    player.push(chunk(2));
    worker.reply({ type: 'paint', paint });
    expect(worker.sent).toHaveLength(sent);
    expect(calls.paints).toEqual([]);
  });

  it('leaves the canvas untouched when the worker cannot be created', () => {
    const canvas = { transferControlToOffscreen: vi.fn() } as unknown as HTMLCanvasElement;
    const failing = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    expect(() => new WorkerPlayer(canvas, { createWorker: failing, visibility: new TestVisibility() })).toThrow('blocked');
    expect(canvas.transferControlToOffscreen).not.toHaveBeenCalled();
  });
});
