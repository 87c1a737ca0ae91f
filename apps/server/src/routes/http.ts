/**
 * Small helpers shared by the plain-HTTP routes.
 * @module
 */
import { type VariantSpec, variantKey } from '@servercam/core';

/** A JSON error body `{ error }` with the given status. */
export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: message }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

export function methodNotAllowed(allow: readonly string[]): Response {
  return errorResponse(405, `Method not allowed: use ${allow.join(' or ')}`, { Allow: allow.join(', ') });
}

/** `maxWidth` and `maxFps` from a query string, validated by the core's rules. */
export function parseVariantParams(params: URLSearchParams): VariantSpec | { error: string } {
  const spec: { maxWidth?: number; maxFps?: number } = {};
  for (const name of ['maxWidth', 'maxFps'] as const) {
    const text = params.get(name);
    if (text === null || text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value)) return { error: `${name} must be a number, got "${text}"` };
    spec[name] = value;
  }
  try {
    variantKey(spec); // validates by the core's rules
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  return spec;
}
