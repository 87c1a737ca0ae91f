/**
 * What the player needs of one H.264 chunk of the `video` subscription, and
 * what it keeps of it once the bytes are gone.
 * @module
 */
import type { Painted } from '../frames/latest-picture.ts';

/** One access unit: base64 AVCC `data`, and on keyframes the base64 `avcC` `description`. */
export interface PlayableChunk {
  readonly cameraId: string;
  readonly seq: number;
  readonly capturedAt: string;
  readonly keyframe: boolean;
  /** `avc1.PPCCLL`, from the SPS. */
  readonly codec: string;
  readonly description?: string | null | undefined;
  readonly width: number;
  readonly height: number;
  readonly data: string;
}

/** A chunk's description without its bytes: what the overlay shows of the picture on screen. */
export interface ChunkInfo {
  readonly cameraId: string;
  readonly seq: number;
  readonly capturedAt: string;
  readonly width: number;
  readonly height: number;
}

/** A picture (JPEG or H.264) as it is drawn. */
export type PicturePaint = Painted<ChunkInfo>;

export function chunkInfo(chunk: PlayableChunk): ChunkInfo {
  return { cameraId: chunk.cameraId, seq: chunk.seq, capturedAt: chunk.capturedAt, width: chunk.width, height: chunk.height };
}

/** The decoder configuration a keyframe asks for; a keyframe with another one reconfigures. */
export interface StreamConfig {
  readonly codec: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
}

export function sameConfig(a: StreamConfig | null, b: StreamConfig): boolean {
  return a !== null && a.codec === b.codec && a.description === b.description && a.width === b.width && a.height === b.height;
}
