/**
 * glibc's allocator settings for a process that captures video. Each frame
 * is a few megabytes (a 720p BGR frame is 2.7 MB; OpenCV's read, resize,
 * colour conversion and `getData` each allocate one), above glibc's mmap
 * threshold: by default every such buffer is a fresh mapping, page-faulted in
 * and unmapped again, or trimmed from the heap and faulted back. Measured on
 * this project's 2-core VM: `getData` of a 720p BGR frame took 5.5 ms of CPU
 * (2.5 ms in the kernel) by default and 0.26 ms with these settings; the
 * capture thread of an H.264 variant went from about 20 % to 10 % of a core.
 *
 * glibc reads `GLIBC_TUNABLES` once, at process start: it must be in the
 * environment a process is started with. The core sets it for the capture
 * child process (`isolation: 'process'`, the server's default). A program
 * that captures in a worker thread of its own process sets it when it starts
 * that process (see the README's performance notes). Other C libraries ignore it.
 * @module
 */

/**
 * Buffers up to 32 MiB come from the heap, reused from frame to frame (an
 * explicit threshold also turns off glibc's dynamic one), and a heap keeps up
 * to 64 MiB free at its top before it gives memory back to the system.
 *
 * Both are needed. OpenCV reads and encodes in libuv's pool threads, whose
 * allocations come from per-thread arenas; with the default trim threshold
 * (128 KiB) each arena gave a freed frame's pages back at once (`madvise`)
 * and faulted them in again for the next frame. Measured on the 720p camera-like
 * file at 30 fps, the capture process's CPU (load 0.6–0.9): JPEG only 33.8 % with
 * the mmap threshold alone, 16.4 % with both; one H.264 viewer 58.9–66.0 %
 * against 30.4 % (trim at 32 MiB: 33.0 %, at 256 MiB: 25.5–31.2 %). Its RSS:
 * 193 MB against 236 MB.
 */
export const CAPTURE_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864';

/** Whether a `GLIBC_TUNABLES` value sets one of the malloc thresholds (then it is the user's, and kept as it is). */
export function setsMallocThreshold(tunables: string): boolean {
  return /glibc\.malloc\.(mmap|trim)_threshold=/.test(tunables);
}

/** `env` with {@link CAPTURE_MALLOC_TUNABLES} added to `GLIBC_TUNABLES`, unless it already sets a malloc threshold. */
export function withCaptureMallocTunables(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const current = env['GLIBC_TUNABLES'] ?? '';
  if (setsMallocThreshold(current)) return { ...env };
  return { ...env, GLIBC_TUNABLES: current ? `${current}:${CAPTURE_MALLOC_TUNABLES}` : CAPTURE_MALLOC_TUNABLES };
}
