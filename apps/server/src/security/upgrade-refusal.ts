/**
 * A refused WebSocket upgrade, in both forms an adapter may need: the raw
 * HTTP answer for an adapter that writes the socket itself, and the same
 * answer as a Response.
 * @module
 */

/** A refused upgrade: its status, its raw HTTP answer, and that answer as a Response. */
export interface RefusedUpgrade {
  readonly ok: false;
  readonly status: 403 | 404 | 421 | 429;
  readonly raw: string;
  response(): Response;
}

/** The upgrade refusal for a path other than `/graphql` (as the edge's `endSocket(socket, 404)` wrote it). */
export const NOT_FOUND_RAW = 'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/** The refusal of an upgrade with `status`, answered by `raw` (one of our own raw answers). */
export function refusedUpgrade(status: RefusedUpgrade['status'], raw: string): RefusedUpgrade {
  return { ok: false, status, raw, response: () => responseOfRaw(raw, status) };
}

/** A Response of one of our own raw refusals (never of a client's bytes). */
export function responseOfRaw(raw: string, status: number): Response {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Headers();
  for (const line of raw.slice(0, split).split('\r\n').slice(1)) {
    const colon = line.indexOf(': ');
    const name = line.slice(0, colon).toLowerCase();
    if (name !== 'connection' && name !== 'content-length') headers.append(name, line.slice(colon + 2));
  }
  const body = raw.slice(split + 4);
  return new Response(body.length > 0 ? body : null, { status, headers });
}
