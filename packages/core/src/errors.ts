/**
 * Typed errors of the capture core. Each one has a stable `code`, the id of the
 * camera it concerns (when there is one) and the underlying `cause`.
 * @module
 */

/** Stable, machine-readable codes. They never change once published. */
export const ErrorCode = {
  CannotOpenCamera: 'CANNOT_OPEN_CAMERA',
  CannotReadCamera: 'CANNOT_READ_CAMERA',
  BackendUnavailable: 'BACKEND_UNAVAILABLE',
  InvalidSettings: 'INVALID_SETTINGS',
  MediaToolUnavailable: 'MEDIA_TOOL_UNAVAILABLE',
  VideoEncoderUnavailable: 'VIDEO_ENCODER_UNAVAILABLE',
  VideoEncoderFailed: 'VIDEO_ENCODER_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ServercamErrorOptions {
  cameraId?: string | undefined;
  cause?: unknown;
}

/** The base class of every error the core throws or reports. */
export abstract class ServercamError extends Error {
  abstract readonly code: ErrorCode;
  /** The camera the error concerns, if any. */
  readonly cameraId: string | undefined;

  constructor(message: string, options: ServercamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.cameraId = options.cameraId;
  }

  /** A structured-clone-safe form, used to carry the error across threads. */
  toJSON(): SerializedError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      cameraId: this.cameraId,
      cause: serializeCause(this.cause),
      ...(this instanceof InvalidSettings ? { field: this.field } : {}),
    };
  }
}

/** A camera's source could not be opened (missing device or file, unreachable URL). */
export class CannotOpenCamera extends ServercamError {
  readonly code = ErrorCode.CannotOpenCamera;
}

/** An opened camera stopped giving frames (unplugged, stream ended, read timed out). */
export class CannotReadCamera extends ServercamError {
  readonly code = ErrorCode.CannotReadCamera;
}

/** The backend a source needs is not available in this process (e.g. OpenCV is not installed). */
export class BackendUnavailable extends ServercamError {
  readonly code = ErrorCode.BackendUnavailable;
}

/** A media tool (ffmpeg, ffprobe) the work needs is not on this machine; the message says what to install. */
export class MediaToolUnavailable extends ServercamError {
  readonly code = ErrorCode.MediaToolUnavailable;
}

/** No H.264 encoder could be started (ffmpeg with libx264 is missing); the message says what to install. */
export class VideoEncoderUnavailable extends ServercamError {
  readonly code = ErrorCode.VideoEncoderUnavailable;
}

/** The H.264 encoder of a video variant stopped (crashed, killed, or gave output that cannot be read). */
export class VideoEncoderFailed extends ServercamError {
  readonly code = ErrorCode.VideoEncoderFailed;
}

/** Settings were rejected; nothing was changed. `field` names the offending setting. */
export class InvalidSettings extends ServercamError {
  readonly code = ErrorCode.InvalidSettings;
  readonly field: string;
  constructor(field: string, message: string, options: ServercamErrorOptions = {}) {
    super(message, options);
    this.field = field;
  }
}

export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
  cameraId: string | undefined;
  cause: SerializedCause | undefined;
  field?: string;
}

export interface SerializedCause {
  name: string;
  message: string;
  cause?: SerializedCause | undefined;
}

function serializeCause(cause: unknown, depth = 0): SerializedCause | undefined {
  if (cause === undefined || depth > 4) return undefined;
  if (cause instanceof Error) {
    return {
      name: cause.name,
      message: cause.message ?? '',
      cause: serializeCause(cause.cause, depth + 1),
    };
  }
  return { name: typeof cause, message: String(cause) };
}

function reviveCause(cause: SerializedCause | undefined): Error | undefined {
  if (!cause) return undefined;
  const error = new Error(cause.message, { cause: reviveCause(cause.cause) });
  error.name = cause.name;
  return error;
}

const classes = {
  [ErrorCode.CannotOpenCamera]: CannotOpenCamera,
  [ErrorCode.CannotReadCamera]: CannotReadCamera,
  [ErrorCode.BackendUnavailable]: BackendUnavailable,
  [ErrorCode.MediaToolUnavailable]: MediaToolUnavailable,
  [ErrorCode.VideoEncoderUnavailable]: VideoEncoderUnavailable,
  [ErrorCode.VideoEncoderFailed]: VideoEncoderFailed,
} as const;

/** Rebuilds a typed error from its {@link ServercamError.toJSON} form. */
export function reviveError(data: SerializedError): ServercamError {
  const options = { cameraId: data.cameraId, cause: reviveCause(data.cause) };
  if (data.code === ErrorCode.InvalidSettings) return new InvalidSettings(data.field ?? '', data.message, options);
  return new classes[data.code](data.message, options);
}

/** Whether `error` is one of the core's typed errors. */
export function isServercamError(error: unknown): error is ServercamError {
  return error instanceof ServercamError;
}
