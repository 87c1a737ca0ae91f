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

/** A path segment's id, decoded; a 400 naming `what` (`camera`, `event`) when it is malformed. */
export function decodePathId(segment: string, what: string): string | Response {
  try {
    return decodeURIComponent(segment);
  } catch {
    return errorResponse(400, `Malformed ${what} id`);
  }
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

/** A camera stream about to start: the variant asked for, and the response's headers. */
export interface StreamStart {
  readonly variant: VariantSpec;
  readonly headers: Record<string, string>;
}

/**
 * The start shared by a camera's streaming responses (stream.mjpeg,
 * stream.mp4): 404 for a camera `cameras` does not have, 400 for a bad
 * `?maxWidth=`/`?maxFps=`, and a HEAD answered with the headers (the
 * `contentType`, never cached nor buffered by a proxy); else what to stream with.
 */
export function startStream(request: Request, cameraId: string, cameras: { has(id: string): boolean }, contentType: string): Response | StreamStart {
  if (!cameras.has(cameraId)) return errorResponse(404, `Unknown camera "${cameraId}"`);
  const variant = parseVariantParams(new URL(request.url).searchParams);
  if ('error' in variant) return errorResponse(400, variant.error);
  const headers = {
    'Content-Type': contentType,
    'Cache-Control': 'no-store, no-cache, must-revalidate',
    Pragma: 'no-cache',
    'X-Accel-Buffering': 'no',
  };
  if (request.method === 'HEAD') return new Response(null, { headers });
  return { variant, headers };
}
