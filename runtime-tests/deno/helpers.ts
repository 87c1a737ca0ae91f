/**
 * Helpers for the Deno runtime tests: waiting on live streams. `until`,
 * `jpegSize` and `makeVideo` come from the workspace's test kit
 * (@servercam/testing), imported by path.
 * @module
 */
export { jpegSize } from '../../packages/testing/src/jpeg.ts';
export { makeVideo } from '../../packages/testing/src/videos.ts';
export { until } from '../../packages/testing/src/wait.ts';

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
