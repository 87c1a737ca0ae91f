/**
 * GraphQL errors that clients may act on, each with a stable `extensions.code`.
 * Anything else is masked by Yoga: clients never see stack traces.
 * @module
 */
import { GraphQLError } from 'graphql';

/**
 * Input the server refuses. `argument` names the offending argument and, for
 * an input object, `field` the offending field in it.
 */
export function badUserInput(message: string, argument: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', argument, ...(field !== undefined ? { field } : {}) },
  });
}

/** A camera id that no configured camera has. */
export function unknownCamera(cameraId: string, known: readonly string[], argument = 'cameraId'): GraphQLError {
  return badUserInput(`Unknown camera "${cameraId}": the configured cameras are ${known.map((id) => `"${id}"`).join(', ')}`, argument);
}

/** The capture cannot be reached (a gateway whose capture node or Redis is down): nothing changed, try again. */
export function captureUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'CAPTURE_UNAVAILABLE' } });
}

/** The video of a subscription failed (the encoder missing or crashing): the core's `code`, its (redacted) message. */
export function videoFailed(failure: { readonly code: string; readonly message: string }): GraphQLError {
  return new GraphQLError(failure.message, { extensions: { code: failure.code } });
}
