/**
 * Saves a frame as a file through the browser's download.
 * @module
 */
import type { PaintableFrame } from './frame-painter.ts';
import { base64ToBytes } from './base64.ts';

/** A file name for a frame, e.g. `servercam-lobby-2026-11-27T10-55-42-123Z.jpg`. */
export function frameFileName(frame: Pick<PaintableFrame, 'cameraId' | 'capturedAt' | 'mimeType'>): string {
  const stamp = frame.capturedAt.replace(/[:.]/g, '-');
  const extension = frame.mimeType === 'image/png' ? 'png' : 'jpg';
  const camera = frame.cameraId.replace(/[^\w-]+/g, '_');
  return `servercam-${camera}-${stamp}.${extension}`;
}

/** Starts the download of a frame's image. */
export function downloadFrame(frame: PaintableFrame, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([base64ToBytes(frame.data)], { type: frame.mimeType }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = frameFileName(frame);
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
