/**
 * The browser's WebCodecs behind the player's options: `VideoDecoder`,
 * `EncodedVideoChunk`, `VideoDecoder.isConfigSupported`, and a `<canvas>`
 * surface for `VideoFrame`s.
 * @module
 */
import type { H264PlayerOptions } from './h264-player.ts';

/**
 * Why this browser cannot play H.264 through WebCodecs, or null when it has
 * the API. WebCodecs exists only in secure contexts (HTTPS, or localhost).
 */
export function webCodecsMissing(scope: { isSecureContext?: boolean } & object = globalThis): string | null {
  if ('VideoDecoder' in scope && 'EncodedVideoChunk' in scope) return null;
  if (scope.isSecureContext === false) return 'WebCodecs needs HTTPS (or localhost)';
  return 'this browser has no WebCodecs';
}

/** An error's message, for the viewer (decoders throw `DOMException`s, which are `Error`s). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why H.264 is not played, when the browser cannot decode the stream's codec. */
export function cannotDecode(codec: string): string {
  return `this browser cannot decode ${codec}`;
}

/** The player's decoder, chunk and support check, from the browser's WebCodecs. */
export function browserCodecs(): Pick<H264PlayerOptions<VideoFrame, EncodedVideoChunk>, 'createDecoder' | 'createChunk' | 'isConfigSupported'> {
  return {
    createDecoder: (output, error) => new VideoDecoder({ output, error }),
    createChunk: (init) => new EncodedVideoChunk(init),
    isConfigSupported: async (config) => (await VideoDecoder.isConfigSupported(config)).supported === true,
  };
}

/** A `<canvas>` (or, in a worker, an `OffscreenCanvas`) surface: sized to each frame's display size, drawn with a 2D context. */
export function videoFrameSurface(canvas: HTMLCanvasElement | OffscreenCanvas): { draw(frame: VideoFrame): void } {
  let context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;
  return {
    draw(frame) {
      const width = frame.displayWidth;
      const height = frame.displayHeight;
      if (canvas.width !== width) canvas.width = width;
      if (canvas.height !== height) canvas.height = height;
      context ??= canvas.getContext('2d', { alpha: false });
      context?.drawImage(frame, 0, 0, width, height);
    },
  };
}
