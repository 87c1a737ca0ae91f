/**
 * The minimal shape of a generated typed document (`documentMode: 'string'`):
 * a string that carries its result and variables types. Any document from
 * `@servercam/schema/client` fits.
 * @module
 */
import type { TypedDocumentString } from '@servercam/schema/client';

export type Document<TResult, TVariables> = TypedDocumentString<TResult, TVariables>;

/** The result type a document carries. */
export type ResultOf<D> = D extends TypedDocumentString<infer R, unknown> ? R : never;
