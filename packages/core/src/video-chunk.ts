/**
 * A capture side's `video` message as the public `VideoChunk`.
 * @module
 */
import type { SessionMessage } from './host/capture-host.ts';
import type { VideoChunk } from './video.ts';

/** One frozen chunk; its bytes are the transferred buffers, not copies. */
export function videoChunkOf(message: Extract<SessionMessage, { type: 'video' }>): VideoChunk {
  return Object.freeze({
    cameraId: message.cameraId,
    seq: message.seq,
    capturedAt: message.capturedAt,
    keyframe: message.keyframe,
    codec: message.codec,
    description: message.description ? new Uint8Array(message.description) : undefined,
    width: message.width,
    height: message.height,
    data: new Uint8Array(message.data),
    variant: message.variant,
  });
}
