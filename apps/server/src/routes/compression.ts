/**
 * Content coding for static representations (the UI's files, the GraphiQL
 * page): brotli or gzip as the client's `Accept-Encoding` allows, brotli
 * first on a tie. Made with node:zlib (which Deno provides too) off the event
 * loop. Streams, frames, snapshots and GraphQL results are never encoded:
 * only routes/static-asset.ts uses this.
 * @module
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import Negotiator from 'negotiator';

export type Encoding = 'br' | 'gzip';

/** What the server offers, in its order of preference. */
const OFFERED = ['br', 'gzip', 'identity'] as const;

/** Below this size an encoding saves too little to be worth a variant. */
export const MIN_COMPRESSIBLE_BYTES = 1024;

/** Past this size brotli's top quality takes tens of seconds (GraphiQL's 9 MB page): a faster one. */
const LARGE_BYTES = 1024 * 1024;

/** Media types that shrink (text and text-like); images, fonts and media are compressed already. */
const COMPRESSIBLE = new Set([
  'text/html',
  'text/css',
  'text/javascript',
  'text/plain',
  'application/javascript',
  'application/json',
  'application/manifest+json',
  'application/wasm',
  'image/svg+xml',
  'image/x-icon',
]);

/** Whether a representation of `contentType` and `size` bytes gets encoded variants. */
export function isCompressible(contentType: string, size: number): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return size >= MIN_COMPRESSIBLE_BYTES && COMPRESSIBLE.has(type);
}

/**
 * The encoding to send for a request: the client's best by `Accept-Encoding`
 * (its q-values first, then br before gzip); undefined for identity (no
 * header, `identity`, or neither accepted).
 */
export function negotiateEncoding(headers: Headers): Encoding | undefined {
  const header = headers.get('accept-encoding');
  if (!header) return undefined;
  const [best] = new Negotiator({ headers: { 'accept-encoding': header } }).encodings(OFFERED, { preferred: OFFERED });
  return best === 'br' || best === 'gzip' ? best : undefined;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** `bytes` encoded with `encoding` (best compression for small files, a fast level for large ones). */
export async function compress(bytes: Uint8Array, encoding: Encoding): Promise<Uint8Array> {
  const large = bytes.byteLength > LARGE_BYTES;
  if (encoding === 'gzip') return gzipAsync(bytes, { level: large ? 6 : 9 });
  return brotli(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: large ? 5 : constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  });
}
