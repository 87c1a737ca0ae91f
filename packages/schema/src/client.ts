/**
 * `@servercam/schema/client`: typed documents for the UI (GraphQL Code
 * Generator's client preset, `documentMode: 'string'`). Each document is a
 * string that also carries its result and variables types:
 * `FramesDocument`, `UpdateStreamDocument`, `CamerasDocument`, … with their
 * `…Subscription`/`…Query`/`…Mutation` and `…Variables` types.
 * @module
 */
export * from './generated/client/index.ts';
export * from './generated/client/graphql.ts';
