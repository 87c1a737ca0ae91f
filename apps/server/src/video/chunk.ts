/**
 * The core's encoded video, as the server uses it. (The agreed shape of
 * `@servercam/core`'s `VideoChunk` and `VideoRequest`, declared here until the
 * core exports them.)
 * @module
 */

/** One H.264 access unit of a camera's variant. */
export interface VideoChunk {
  readonly cameraId: string;
  readonly seq: number;
  readonly capturedAt: number;
  readonly keyframe: boolean;
  /** `avc1.PPCCLL`, from the SPS. */
  readonly codec: string;
  /** The `avcC` record, on keyframes. */
  readonly description: Uint8Array | undefined;
  readonly width: number;
  readonly height: number;
  /** One access unit, AVCC layout (4-byte big-endian NAL lengths). */
  readonly data: Uint8Array;
  readonly variant: string;
}

export interface VideoRequest {
  readonly cameraId?: string | undefined;
  readonly maxWidth?: number | undefined;
  readonly maxFps?: number | undefined;
}
