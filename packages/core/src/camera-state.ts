/**
 * What `ServerVideoStream` (stream.ts) keeps per camera, and how the capture
 * side's messages become the public `Frame`, `MotionEvent` and `CameraInfo`.
 * @module
 */
import type { CameraConfig, CameraErrorInfo, CameraInfo, CameraStatus } from './camera.ts';
import type { Frame } from './frame.ts';
import type { SessionMessage } from './host/capture-host.ts';
import type { MotionEvent } from './motion.ts';
import type { VariantDemand } from './protocol.ts';
import { parseSource } from './source.ts';

export interface CameraState {
  readonly config: CameraConfig;
  readonly label: string;
  readonly usesOpenCv: boolean;
  status: CameraStatus;
  error: CameraErrorInfo | undefined;
  width: number | undefined;
  height: number | undefined;
  fps: number;
  latest: Frame | undefined;
  demandKeys: string;
  motion: boolean;
  /** The highest seq seen, handed to a restarted capture side. */
  lastSeq: number;
  /** The measured rate last reported in a `status` event, and when. */
  reportedFps: number;
  reportedAt: number;
}

/** A configured camera before anything is heard of it (a synthetic source knows its size). */
export function newCameraState(config: CameraConfig): CameraState {
  const spec = parseSource(config.source);
  return {
    config,
    label: config.label ?? config.id,
    usesOpenCv: spec.backend === 'opencv',
    status: 'idle',
    error: undefined,
    width: spec.kind === 'synthetic' ? spec.width : undefined,
    height: spec.kind === 'synthetic' ? spec.height : undefined,
    fps: 0,
    latest: undefined,
    demandKeys: '',
    motion: false,
    lastSeq: 0,
    reportedFps: 0,
    reportedAt: 0,
  };
}

/** A camera's demand as one comparable string (with each rate: the `full` of a thinned `value` keeps its key). */
export function demandKeys(variants: readonly VariantDemand[]): string {
  return variants.map((variant) => (variant.maxFps === undefined ? variant.key : `${variant.key}@${variant.maxFps}`)).join(',');
}

/** A frame message as one frozen `Frame` per variant it carries, all sharing its bytes. */
export function framesOf(message: Extract<SessionMessage, { type: 'frame' }>): Frame[] {
  const data = new Uint8Array(message.data);
  return message.variants.map((variant) => Object.freeze({
    cameraId: message.cameraId,
    seq: message.seq,
    capturedAt: message.capturedAt,
    width: message.width,
    height: message.height,
    mimeType: 'image/jpeg',
    data,
    variant,
  }));
}

export function motionEventOf(message: Extract<SessionMessage, { type: 'motion' }>): MotionEvent {
  return {
    id: `${message.cameraId}-${Math.round(message.startedAt)}`,
    cameraId: message.cameraId,
    phase: message.phase,
    startedAt: message.startedAt,
    endedAt: message.endedAt,
    peakScore: message.peakScore,
    boxes: message.boxes,
    snapshot: message.snapshot ? new Uint8Array(message.snapshot) : undefined,
    snapshotWidth: message.snapshotWidth,
    snapshotHeight: message.snapshotHeight,
  };
}

export function cameraInfo(id: string, camera: CameraState, consumers: number): CameraInfo {
  return {
    id,
    label: camera.label,
    status: camera.status,
    error: camera.error,
    width: camera.width,
    height: camera.height,
    measuredFps: camera.status === 'live' ? camera.fps : 0,
    consumers,
    motion: camera.motion,
  };
}
