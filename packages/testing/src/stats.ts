/**
 * A camera's counters read off anything with the core's `stats()` (a
 * ServerVideoStream, a server's frame bus, a capture node's stream).
 * @module
 */
import type { CameraStats } from '@servercam/core';

export interface HasCameraStats {
  stats(): Promise<CameraStats[]>;
}

/** The stats of `cameraId`; throws when the stream has no such camera. */
export async function cameraStats(stream: HasCameraStats, cameraId = 'cam'): Promise<CameraStats> {
  const stats = (await stream.stats()).find((s) => s.cameraId === cameraId);
  if (!stats) throw new Error(`no stats for camera ${cameraId}`);
  return stats;
}

/**
 * Encodes per captured frame of `cameraId` over about `ms`, and the frames
 * captured meanwhile: all of them, or those of one JPEG `variant` (`full`...).
 */
export async function encodesPerFrame(
  stream: HasCameraStats,
  ms: number,
  cameraId = 'cam',
  variant?: string,
): Promise<{ perFrame: number; captured: number }> {
  const encodes = (stats: CameraStats): number => (variant === undefined ? stats.encodes : (stats.encodesByVariant[variant] ?? 0));
  const before = await cameraStats(stream, cameraId);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await cameraStats(stream, cameraId);
  const captured = after.captured - before.captured;
  return { perFrame: (encodes(after) - encodes(before)) / captured, captured };
}
