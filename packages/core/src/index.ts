/**
 * `@servercam/core`: server-side camera capture shared by every viewer.
 *
 * @example
 * ```ts
 * import { ServerVideoStream } from '@servercam/core';
 *
 * await using stream = new ServerVideoStream({
 *   cameras: [{ id: 'desk', label: 'Desk', source: 0 }, { id: 'test', source: 'synthetic:640x480' }],
 *   fps: 15,
 * });
 * await stream.start(['desk']);
 * stream.on('settings', (s) => console.log('now', s));
 * for await (const frame of stream.frames({ maxWidth: 320 })) {
 *   // frame.data is a JPEG, encoded once for every consumer of this size
 * }
 * ```
 * @module
 */
export { ServerVideoStream } from './stream.ts';
export { DEFAULT_TUNING } from './stream-options.ts';
export type { ServerVideoStreamOptions, StreamEvents } from './stream-options.ts';
export { ConsumerRegistry } from './consumers.ts';
export type { CameraPlanInput, Consumer, ConsumerHost, ConsumerRegistryOptions, FrameRequest, FramesOptions } from './consumers.ts';
export { Emitter } from './emitter.ts';
export type { Listener } from './emitter.ts';
export type { CameraConfig, CameraErrorInfo, CameraInfo, CameraStatus } from './camera.ts';
export { CAMERA_ID_PATTERN, validateCameras } from './camera.ts';
export type { Frame, VariantSpec } from './frame.ts';
export type { MotionBox, MotionConfig, MotionEvent, ResolvedMotionConfig } from './motion.ts';
export { resolveMotionConfig } from './motion.ts';
export { FULL_VARIANT, MAX_WIDTH, normalizeVariant, scaledSize, snapWidth, variantKey, WIDTH_LADDER } from './frame.ts';
export { DEFAULT_MAX_VARIANTS, planVariants } from './variants.ts';
export type { PlannedConsumer, VariantPlan, VariantPlanOptions } from './variants.ts';
export type { StreamSettings, StreamSettingsPatch } from './settings.ts';
export { applySettings, DEFAULT_FPS, DEFAULT_QUALITY, MAX_FPS, sameSettings } from './settings.ts';
export type { BackendName, SourceSpec } from './source.ts';
export type { SourceCredentials } from './credentials.ts';
export { credentialsProblem, hasUserinfo } from './credentials.ts';
export { parseSource } from './source.ts';
export { isCredentialName, redactSecrets, redactSource } from './redact.ts';
export {
  BackendUnavailable,
  CannotOpenCamera,
  CannotReadCamera,
  ErrorCode,
  InvalidSettings,
  isServercamError,
  MediaToolUnavailable,
  ServercamError,
  VideoEncoderFailed,
  VideoEncoderUnavailable,
} from './errors.ts';
export type { SerializedError } from './errors.ts';
export { reviveError } from './errors.ts';
export { sleep } from './time.ts';
export type { CameraStats, CaptureTuning, VariantDemand } from './protocol.ts';
export { ENCODE_MS_BUCKETS, type EncodeTiming } from './capture/encode-timing.ts';
export type { ProcessSupervision } from './host/process-host.ts';
export { DEFAULT_SUPERVISION } from './host/process-host.ts';
export { CAPTURE_MALLOC_TUNABLES, withCaptureMallocTunables } from './host/malloc-env.ts';
export { conflating, LatestValueIterator } from './conflate.ts';
export type { MediaTool, MediaToolSource, ResolvedMediaTool, ResolveMediaToolOptions } from './media-tools.ts';
export { describeMediaTool, MEDIA_TOOL_ENV, requireMediaTool, resolveMediaTool } from './media-tools.ts';
export type { VideoChunk, VideoOptions, VideoRequest } from './video.ts';
export {
  DEFAULT_MAX_VIDEO_VARIANTS,
  DEFAULT_VIDEO_GOP_BYTES,
  VIDEO_CODEC,
  VIDEO_KEYFRAME_INTERVAL_MS,
  videoVariantKey,
} from './video.ts';
export { GopFanout } from './gop-fanout.ts';
export type { GopChunk, GopFanoutOptions, GopSink, GopSubscription } from './gop-fanout.ts';
export { VideoIterator } from './video-iterator.ts';
export {
  accessUnits,
  avccToAnnexB,
  firstMbInSlice,
  isKeyframe,
  NalType,
  nalType,
  splitAnnexB,
  splitAvcc,
  toAnnexB,
  toAvcc,
} from './h264/annexb.ts';
export { buildAvcc, parseAvcc } from './h264/avcc.ts';
export type { AvccRecord } from './h264/avcc.ts';
export { codecString, parseSps } from './h264/sps.ts';
export type { SpsInfo } from './h264/sps.ts';
export { FlvError, FlvVideoReader } from './h264/flv.ts';
export type { FlvVideoTag } from './h264/flv.ts';
export { VideoConsumers } from './video-consumers.ts';
export type { VideoConsumerHost, VideoConsumersOptions } from './video-consumers.ts';
