/**
 * Errors of GraphQL operations, as the UI shows them: the server's message,
 * its `extensions.code`, and the field it names when there is one.
 * @module
 */

/** The JSON shape of one GraphQL error as it arrives over HTTP or graphql-ws. */
export interface GraphQLErrorJson {
  readonly message: string;
  readonly path?: readonly (string | number)[] | undefined;
  readonly extensions?: Readonly<Record<string, unknown>> | undefined;
}

/** Why an operation failed. */
export type OperationErrorCode =
  /** The server could not be reached (network error, socket closed). */
  | 'UNREACHABLE'
  /** The server answered with something that is not a GraphQL response. */
  | 'BAD_RESPONSE'
  /** The server answered with GraphQL errors: `code` is then theirs, e.g. `BAD_USER_INPUT`. */
  | (string & {});

export class OperationError extends Error {
  override readonly name = 'OperationError';
  readonly code: OperationErrorCode;
  readonly errors: readonly GraphQLErrorJson[];

  constructor(message: string, code: OperationErrorCode, errors: readonly GraphQLErrorJson[] = [], options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.errors = errors;
  }

  /** An error from the GraphQL errors of a response; the first one's message and code lead. */
  static fromGraphQL(errors: readonly GraphQLErrorJson[]): OperationError {
    const first = errors[0];
    const code = first?.extensions?.['code'];
    const message = errors.map((error) => error.message).join('; ') || 'The server reported an error';
    return new OperationError(message, typeof code === 'string' ? code : 'GRAPHQL_ERROR', errors);
  }

  /** Wraps whatever a transport threw (an Error, a CloseEvent, an array of GraphQL errors). */
  static from(cause: unknown): OperationError {
    if (cause instanceof OperationError) return cause;
    if (Array.isArray(cause) && cause.every(isGraphQLErrorJson)) return OperationError.fromGraphQL(cause);
    if (isCloseEventLike(cause)) {
      const reason = cause.reason ? `: ${cause.reason}` : '';
      return new OperationError(`Connection closed (${cause.code})${reason}`, 'UNREACHABLE', [], { cause });
    }
    if (cause instanceof Error) return new OperationError(cause.message, 'UNREACHABLE', [], { cause });
    return new OperationError(String(cause), 'UNREACHABLE', [], { cause });
  }
}

export function isGraphQLErrorJson(value: unknown): value is GraphQLErrorJson {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function isCloseEventLike(value: unknown): value is { code: number; reason?: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number' && 'reason' in value;
}
