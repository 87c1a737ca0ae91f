import { describe, expect, it, vi } from 'vitest';
import type { EncodedChunkInit } from './h264-player.ts';
import { hostPlayer, type PlayerScope } from './player-host.ts';
import type { FromPlayerWorker, ToPlayerWorker } from './player-messages.ts';
import { TestDecoder, TestFrame, chunk } from './test-codecs.ts';

/** A worker scope the test drives: messages in by hand, messages out recorded, animation frames stepped. */
function setup(options: { animationFrames?: boolean; failingDraws?: number } = {}) {
  let failingDraws = options.failingDraws ?? 0;
  const posted: FromPlayerWorker[] = [];
  const frames: Array<() => void> = [];
  const decoders: TestDecoder[] = [];
  const drawnOn: Array<{ canvas: unknown; frame: number }> = [];
  const scope: PlayerScope = {
    postMessage: (message) => posted.push(message),
    onmessage: null,
    ...(options.animationFrames === false ? {} : { requestAnimationFrame: (callback: () => void) => frames.push(callback) }),
  };
  hostPlayer<TestFrame, EncodedChunkInit>(scope, {
    createDecoder: (output, error) => {
      const decoder = new TestDecoder(output, error);
      decoders.push(decoder);
      return decoder;
    },
    createChunk: (init) => init,
    isConfigSupported: async (config) => config.codec !== 'avc1.unsupported',
    surface: (canvas) => ({
      draw: (frame) => {
        if (failingDraws-- > 0) throw new DOMException('The canvas is gone.', 'InvalidStateError');
        drawnOn.push({ canvas, frame: frame.timestamp });
      },
    }),
  });
  const send = (message: ToPlayerWorker): void => scope.onmessage?.(new MessageEvent('message', { data: message }));
  const canvas = { name: 'the offscreen canvas' } as unknown as OffscreenCanvas;
  const settle = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    posted,
    decoders,
    drawnOn,
    canvas,
    send,
    start: (visible = true) => send({ type: 'start', canvas, visible }),
    animate: () => {
      for (const callback of frames.splice(0)) callback();
    },
    /** Lets `isConfigSupported` answer. */
    settle,
    /** Starts hidden and decodes a keyframe: its picture waits to be drawn. */
    async pictureWhileHidden(): Promise<void> {
      send({ type: 'start', canvas, visible: false });
      send({ type: 'chunk', chunk: chunk(1, true) });
      await settle();
      decoders[0]?.finish();
      await settle();
    },
  };
}

describe('hostPlayer (the H.264 player worker)', () => {
  it('decodes the chunks it is sent and draws them on the canvas handed over in the next task, while the page is visible', async () => {
    const t = setup();
    t.start();
    t.send({ type: 'chunk', chunk: chunk(1, true) });
    await t.settle();
    const frame = t.decoders[0]?.finish();
    expect(t.drawnOn).toEqual([]);
    await vi.waitFor(() => expect(t.drawnOn).toEqual([{ canvas: t.canvas, frame: frame?.timestamp }]));
    expect(frame?.closed).toBe(true);
  });

  it('draws once for the pictures decoded in one task: the newest', async () => {
    const t = setup();
    t.start();
    t.send({ type: 'chunk', chunk: chunk(1, true) });
    t.send({ type: 'chunk', chunk: chunk(2) });
    await t.settle();
    const first = t.decoders[0]?.finish();
    const second = t.decoders[0]?.finish();
    await vi.waitFor(() => expect(t.drawnOn).toHaveLength(1));
    expect(t.drawnOn[0]?.frame).toBe(second?.timestamp);
    expect(first?.closed).toBe(true);
  });

  it('while the page is hidden, draws only at an animation frame', async () => {
    const t = setup();
    await t.pictureWhileHidden();
    expect(t.drawnOn).toEqual([]);
    t.animate();
    expect(t.drawnOn).toHaveLength(1);
  });

  it('draws in the next task again once the page is shown', async () => {
    const t = setup();
    t.start(false);
    t.send({ type: 'visibility', visible: true });
    t.send({ type: 'chunk', chunk: chunk(1, true) });
    await t.settle();
    t.decoders[0]?.finish();
    await vi.waitFor(() => expect(t.drawnOn).toHaveLength(1));
  });

  it('reports each paint once the rendering update that drew it is over, stamped with renderedAt', async () => {
    const t = setup();
    // Hidden, so that the test draws by stepping an animation frame, and sees the task that drew end.
    t.start(false);
    t.send({ type: 'chunk', chunk: chunk(1, true) });
    await t.settle();
    const before = Date.now();
    t.decoders[0]?.finish();
    t.animate();
    expect(t.drawnOn).toHaveLength(1);
    expect(t.posted).toEqual([]);
    await vi.waitFor(() => expect(t.posted).toHaveLength(1));
    const message = t.posted[0];
    expect(message?.type).toBe('paint');
    if (message?.type !== 'paint') return;
    expect(message.paint.frame).toEqual({ cameraId: 'cam', seq: 1, capturedAt: chunk(1).capturedAt, width: 1280, height: 720 });
    expect(message.paint.renderedAt).toBeGreaterThanOrEqual(before);
    expect(message.paint.renderedAt).toBeGreaterThanOrEqual(message.paint.paintedAt);
  });

  it('draws in the next task, hidden or not, where the worker has no animation frames', async () => {
    const t = setup({ animationFrames: false });
    t.start(false);
    t.send({ type: 'chunk', chunk: chunk(1, true) });
    await t.settle();
    t.decoders[0]?.finish();
    await vi.waitFor(() => expect(t.drawnOn).toHaveLength(1));
  });

  it('reports a decode error with its message', async () => {
    const t = setup();
    t.start();
    t.send({ type: 'chunk', chunk: chunk(1, true) });
    await t.settle();
    t.decoders[0]?.fail();
    expect(t.posted).toEqual([{ type: 'decode-error', message: 'Decoding error.' }]);
  });

  it('reports a codec this browser cannot decode', async () => {
    const t = setup();
    t.start();
    t.send({ type: 'chunk', chunk: chunk(1, true, { codec: 'avc1.unsupported' }) });
    await t.settle();
    expect(t.posted).toEqual([{ type: 'unsupported', reason: 'this browser cannot decode avc1.unsupported' }]);
  });

  it('reports a picture that fails to draw as a decode error, and draws the next one', async () => {
    const t = setup({ failingDraws: 1 });
    t.start();
    t.send({ type: 'chunk', chunk: chunk(1, true) });
    await t.settle();
    const first = t.decoders[0]?.finish();
    await vi.waitFor(() => expect(t.posted).toEqual([{ type: 'decode-error', message: 'The canvas is gone.' }]));
    expect(first?.closed).toBe(true);
    t.send({ type: 'chunk', chunk: chunk(2) });
    t.decoders[0]?.finish();
    await vi.waitFor(() => expect(t.drawnOn).toHaveLength(1));
  });

  it('reports a chunk the player throws on (a description that is not base64) as a decode error', () => {
    const t = setup();
    t.start();
    t.send({ type: 'chunk', chunk: chunk(1, true, { description: '%%% not base64 %%%' }) });
    expect(t.posted).toHaveLength(1);
    expect(t.posted[0]?.type).toBe('decode-error');
  });

  it('draws a picture that waited while the page was hidden as soon as it is shown', async () => {
    const t = setup();
    await t.pictureWhileHidden();
    expect(t.drawnOn).toEqual([]);
    t.send({ type: 'visibility', visible: true });
    await vi.waitFor(() => expect(t.drawnOn).toHaveLength(1));
    // The animation frame asked for while hidden draws nothing more.
    t.animate();
    expect(t.drawnOn).toHaveLength(1);
  });
});
