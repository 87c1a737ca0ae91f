/**
 * A camera's errors on the capture side: anything thrown made a typed error of
 * the camera, and the two ways it leaves the capture side, redacted: for
 * viewers (no file path, no secret) and for the operator (no secret).
 * @module
 */
import { CannotOpenCamera, CannotReadCamera, type SerializedCause, type SerializedError, ServercamError } from '../errors.ts';
import { redactSecrets } from '../redact.ts';
import type { SourceSpec } from '../source.ts';

/** Turns anything thrown into a typed error of this camera. */
export function asCameraError(error: unknown, cameraId: string, fallback: typeof CannotOpenCamera | typeof CannotReadCamera): ServercamError {
  if (error instanceof ServercamError) return error;
  const message = error instanceof Error && error.message ? error.message : String(error);
  return new fallback(`Camera "${cameraId}": ${message}`, { cameraId, cause: error });
}

/**
 * An error message fit for viewers: a file source's path becomes its file
 * name, and every URL loses its credentials, as does the camera's password
 * wherever it appears (redact.ts).
 */
export function publicMessage(message: string, spec: SourceSpec): string {
  if (spec.kind === 'file') return message.split(spec.path).join(spec.path.split(/[\\/]/).at(-1) ?? spec.path);
  return redactSecrets(message, knownSecrets(spec));
}

/** The camera's password (given in `credentials`), to be masked wherever it appears. */
function knownSecrets(spec: SourceSpec): string[] {
  return spec.kind === 'url' && spec.credentials?.password !== undefined ? [spec.credentials.password] : [];
}

/** A serialized cause chain with each message redacted by `redact`. */
function redactCause(cause: SerializedCause | undefined, redact: (message: string) => string): SerializedCause | undefined {
  return cause && { name: cause.name, message: redact(cause.message), cause: redactCause(cause.cause, redact) };
}

/** An error as viewers get it: its message and every cause's through {@link publicMessage}. */
export function publicError(error: ServercamError, spec: SourceSpec): SerializedError {
  const redact = (message: string): string => publicMessage(message, spec);
  const serialized = error.toJSON();
  return { ...serialized, message: redact(serialized.message), cause: redactCause(serialized.cause, redact) };
}

/** An error as the operator gets it (`start()`'s rejection): a file's full path kept, every secret masked. */
export function operatorError(error: ServercamError, spec: SourceSpec): SerializedError {
  const redact = (message: string): string => redactSecrets(message, knownSecrets(spec));
  const serialized = error.toJSON();
  return { ...serialized, message: redact(serialized.message), cause: redactCause(serialized.cause, redact) };
}
