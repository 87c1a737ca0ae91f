/**
 * The `DateTime` scalar: an ISO 8601 string on the wire.
 * @module
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function toIso(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'number' || typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
  return date.toISOString();
}

export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'A point in time, as an ISO 8601 string in UTC (e.g. 2025-01-31T12:00:00.000Z).',
  serialize: toIso,
  parseValue: toIso,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO 8601 string', { nodes: ast });
    return toIso(ast.value);
  },
});
