/**
 * Helpers for the Deno runtime tests: waiting on live streams, real video
 * files made by ffmpeg, and reading a JPEG's size from its bytes.
 * @module
 */
import { requireMediaTool } from '../../packages/core/src/media-tools.ts';

/** Resolves once `check()` is truthy; rejects naming `what` after `timeoutMs`. */
export async function until<T>(check: () => T | undefined | false | null, what: string, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Rejects with `what` if `promise` has not settled within `timeoutMs`; clears its timer either way. */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Takes the next `count` values of an async iterable, then stops it. */
export async function take<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  if (count <= 0) return values;
  for await (const value of iterable) {
    values.push(value);
    if (values.length >= count) break;
  }
  return values;
}

/** An H.264 MP4 of ffmpeg's moving test pattern, in a fresh temporary directory. */
export async function makeVideo(width: number, height: number, seconds = 1): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: 'servercam-deno-' });
  const path = `${dir}/testsrc-${width}x${height}.mp4`;
  const { code, stderr } = await new Deno.Command(requireMediaTool('ffmpeg').path, {
    args: [
      '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=15`,
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path,
    ],
    stdout: 'null',
    stderr: 'piped',
  }).output();
  if (code !== 0) throw new Error(`ffmpeg failed to make ${path}: ${new TextDecoder().decode(stderr)}`);
  return path;
}

/** Width and height from a JPEG's SOF marker; throws when the bytes are not a whole JPEG. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG: no SOI marker');
  if (bytes.at(-2) !== 0xff || bytes.at(-1) !== 0xd9) throw new Error('not a whole JPEG: no EOI marker');
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`not a JPEG: bad marker at ${i}`);
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  throw new Error('not a JPEG: no SOF marker');
}
