/**
 * Queries and mutations over HTTP POST to `/graphql`: they fail at once when the
 * server is unreachable, where a WebSocket operation would wait for a reconnect.
 * @module
 */
import type { Document } from './document.ts';
import { OperationError, isGraphQLErrorJson } from './errors.ts';

export interface HttpRequestOptions {
  readonly signal?: AbortSignal | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** An `Authorization` header value (e.g. `Bearer <share token>`); without it the session cookie is the credential. */
  readonly authorization?: string | undefined;
}

/** Runs one query or mutation; resolves with its data, rejects with an {@link OperationError}. */
export async function request<TResult, TVariables>(
  url: string,
  document: Document<TResult, TVariables>,
  variables: TVariables,
  options: HttpRequestOptions = {},
): Promise<TResult> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(options.authorization ? { authorization: options.authorization } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: options.signal ?? null,
    });
  } catch (cause) {
    throw new OperationError('Server unreachable', 'UNREACHABLE', [], { cause });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new OperationError(`The server answered ${response.status} ${response.statusText} without a GraphQL response`, 'BAD_RESPONSE', [], { cause });
  }
  return resultData<TResult>(body);
}

/** The data of a GraphQL response, or the {@link OperationError} for its errors. */
export function resultData<TResult>(body: unknown): TResult {
  if (typeof body !== 'object' || body === null) throw new OperationError('Not a GraphQL response', 'BAD_RESPONSE');
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (Array.isArray(errors) && errors.length > 0) {
    throw OperationError.fromGraphQL(errors.filter(isGraphQLErrorJson));
  }
  if (data === undefined || data === null) throw new OperationError('The response has no data', 'BAD_RESPONSE');
  return data as TResult;
}
