/**
 * `@servercam/schema`: the GraphQL contract, for the server.
 * - `typeDefs`: the SDL of schema.graphql
 * - `Resolvers` and the other generated types, for typed resolvers
 * The UI imports `@servercam/schema/client` instead.
 * @module
 */
export { typeDefs } from './generated/type-defs.ts';
export type * from './generated/resolvers.ts';
