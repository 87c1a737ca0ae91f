/**
 * The messages between the main thread and the capture worker. PROTOCOL.md
 * describes them in prose; this file is the single typed source of truth.
 * @module
 */
import type { EncodeTiming } from './capture/encode-timing.ts';
import type { CameraConfig, CameraErrorInfo, CameraStatus } from './camera.ts';
import type { SerializedError } from './errors.ts';
import type { StreamSettings } from './settings.ts';
import type { VariantSpec } from './frame.ts';
import type { MotionBox } from './motion.ts';

export interface CaptureTuning {
  /** A read that takes longer is reported as CannotReadCamera (the read keeps waiting). */
  readonly readTimeoutMs: number;
  /** A network source that does not answer with data within this fails to open. */
  readonly openTimeoutMs: number;
  /** First delay before re-opening a failed camera; doubles on each failure. */
  readonly reconnectMinMs: number;
  /** The cap on that delay. */
  readonly reconnectMaxMs: number;
  /**
   * Keep one H.264 encoder started ahead on the active camera, so its first
   * video viewer does not wait for ffmpeg to start (capture/video-encoders.ts).
   * Default true; false saves its process (about 9 MB) where no one watches H.264.
   */
  readonly videoStandby: boolean;
}

/** A variant as the worker encodes it. `key` is {@link variantKey} of the spec. */
export interface VariantDemand extends VariantSpec {
  readonly key: string;
  /** `h264` for a video variant (encoded by an encoder process, posted as `video`); absent for JPEG. */
  readonly codec?: 'h264' | undefined;
}

export type MainToWorker =
  | {
      type: 'session.open';
      session: number;
      cameras: CameraConfig[];
      settings: StreamSettings;
      tuning: CaptureTuning;
      /** The last seq the main side saw per camera, so a restarted capture side goes on counting. */
      seqs?: Record<string, number>;
      /** The variants each camera must produce from the start (later changes come as `session.demand`). */
      demand?: Record<string, VariantDemand[]>;
    }
  | { type: 'session.settings'; session: number; settings: StreamSettings }
  | { type: 'session.demand'; session: number; cameraId: string; variants: VariantDemand[] }
  | { type: 'session.preopen'; session: number; request: number; cameraIds: string[] }
  | { type: 'session.stats'; session: number; request: number }
  | { type: 'session.close'; session: number; request: number }
  /** Liveness check of a capture process; answered with `pong`. */
  | { type: 'ping'; id: number };

export interface CameraStats {
  readonly cameraId: string;
  /** Frames read from the source. */
  readonly captured: number;
  /** JPEG encodes, in all. */
  readonly encodes: number;
  /** Encodes per variant key. */
  readonly encodesByVariant: Readonly<Record<string, number>>;
  /** Frames run through motion detection. */
  readonly analyzed: number;
  /** Time spent in motion detection, ms in all (wall time on the capture side). */
  readonly motionMs: number;
  /** The running H.264 encoders by video variant key: their process id and the pictures they gave. */
  readonly videoEncoders?: Readonly<Record<string, { readonly pid: number | undefined; readonly pictures: number }>> | undefined;
  /** The process id of the spare H.264 encoder started ahead (`tuning.videoStandby`), if there is one now. */
  readonly videoSpare?: number | undefined;
  /** Each JPEG encode's time (capture/encode-timing.ts); absent from older capture sides. */
  readonly encodeMs?: EncodeTiming | undefined;
}

export type WorkerToMain =
  | { type: 'ready' }
  | {
      type: 'frame';
      session: number;
      cameraId: string;
      seq: number;
      capturedAt: number;
      width: number;
      height: number;
      /** Variant keys this one encode serves (several when their sizes coincide). */
      variants: string[];
      /** The JPEG bytes, transferred, not copied. */
      data: ArrayBuffer;
      /** The camera's measured capture rate. */
      fps: number;
    }
  | {
      type: 'status';
      session: number;
      cameraId: string;
      status: CameraStatus;
      error: CameraErrorInfo | undefined;
      width: number | undefined;
      height: number | undefined;
      fps: number;
    }
  | {
      type: 'motion';
      session: number;
      cameraId: string;
      phase: 'start' | 'end';
      startedAt: number;
      endedAt: number | undefined;
      peakScore: number;
      boxes: MotionBox[];
      /** A JPEG of the best frame so far, transferred. */
      snapshot: ArrayBuffer | undefined;
      snapshotWidth: number | undefined;
      snapshotHeight: number | undefined;
    }
  | {
      type: 'video';
      session: number;
      cameraId: string;
      /** The video variant key (`h264:w640`). */
      variant: string;
      seq: number;
      capturedAt: number;
      keyframe: boolean;
      codec: string;
      /** The avcC record, on every keyframe; transferred. */
      description: ArrayBuffer | undefined;
      width: number;
      height: number;
      /** One access unit, AVCC layout; transferred. */
      data: ArrayBuffer;
    }
  | {
      type: 'video.error';
      session: number;
      cameraId: string;
      variant: string;
      /** A serialized VideoEncoderUnavailable or VideoEncoderFailed. */
      error: SerializedError;
    }
  | { type: 'reply'; session: number; request: number; errors?: SerializedError[]; stats?: CameraStats[] }
  | { type: 'pong'; id: number };
