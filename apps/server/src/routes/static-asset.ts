/**
 * Static representations served from memory (the UI's files, the GraphiQL
 * page): their bytes, type and validator, the security headers of an HTML
 * page (computed from the page itself, before any encoding), and their brotli
 * and gzip variants, each made once at first use and kept with the asset.
 *
 * Each response names its encoding (`Content-Encoding`), varies on
 * `Accept-Encoding` when the asset has variants, and carries an ETag per
 * encoding (a cached gzip body is not the brotli one). `If-None-Match` gets a
 * 304; HEAD gets the headers GET would. Ranges are not offered.
 * @module
 */
import { pageHeaders } from '../security/headers.ts';
import { compress, type Encoding, isCompressible, negotiateEncoding } from './compression.ts';

export interface AssetInit {
  readonly bytes: Uint8Array;
  /** `Content-Type`; an HTML page also gets its security headers (CSP…). */
  readonly contentType: string;
  /** The validator of the identity body, a weak ETag: `W/"…"`. */
  readonly etag: string;
}

export class StaticAsset {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly etag: string;
  /** Whether it has encoded variants (a text-like type, not tiny). */
  readonly compressible: boolean;
  /** The security headers of an HTML page, from its identity bytes; none for other types. */
  readonly pageHeaders: Readonly<Record<string, string>>;
  readonly #variants = new Map<Encoding, Promise<Uint8Array | undefined>>();
  #encodedBytes = 0;

  constructor(init: AssetInit) {
    this.bytes = init.bytes;
    this.contentType = init.contentType;
    this.etag = init.etag;
    this.compressible = isCompressible(init.contentType, init.bytes.byteLength);
    this.pageHeaders = init.contentType.startsWith('text/html') ? pageHeaders(new TextDecoder().decode(init.bytes)) : {};
  }

  /** The bytes held: the identity body and the variants made so far. */
  get size(): number {
    return this.bytes.byteLength + this.#encodedBytes;
  }

  /**
   * The body encoded with `encoding`, made at the first call and kept;
   * undefined when the encoding does not make it smaller (or failed).
   */
  variant(encoding: Encoding): Promise<Uint8Array | undefined> {
    let variant = this.#variants.get(encoding);
    if (!variant) {
      variant = compress(this.bytes, encoding).then(
        (encoded) => {
          if (encoded.byteLength >= this.bytes.byteLength) return undefined;
          this.#encodedBytes += encoded.byteLength;
          return encoded;
        },
        () => undefined,
      );
      this.#variants.set(encoding, variant);
    }
    return variant;
  }
}

/** `W/"x"` → `W/"x-br"`: the validator of an encoded body. */
function encodedTag(etag: string, encoding: Encoding): string {
  return `${etag.slice(0, -1)}-${encoding}"`;
}

/** Weak comparison (RFC 9110 §13.1.2) of `If-None-Match` with the representation's tag. */
function noneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);
  const wanted = opaque(etag);
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || opaque(tag) === wanted;
  });
}

/** The response to a GET or HEAD of `asset`, encoded as the client allows. */
export async function assetResponse(request: Request, asset: StaticAsset, cacheControl: string): Promise<Response> {
  let encoding = asset.compressible ? negotiateEncoding(request.headers) : undefined;
  let body = asset.bytes;
  if (encoding) {
    const encoded = await asset.variant(encoding);
    if (encoded) body = encoded;
    else encoding = undefined;
  }
  const etag = encoding ? encodedTag(asset.etag, encoding) : asset.etag;
  const headers: Record<string, string> = {
    'Content-Type': asset.contentType,
    'Cache-Control': cacheControl,
    ETag: etag,
    ...asset.pageHeaders,
  };
  if (asset.compressible) headers['Vary'] = 'Accept-Encoding';
  if (encoding) headers['Content-Encoding'] = encoding;
  if (noneMatch(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  headers['Content-Length'] = String(body.byteLength);
  return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { headers });
}

/**
 * Assets by key (a file's path), least recently used dropped first once
 * they hold more than `maxBytes` (encoded variants included).
 */
export class AssetCache {
  readonly #entries = new Map<string, StaticAsset>();
  readonly #maxBytes: number;

  constructor(maxBytes = 32 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /** Whether an asset of `size` bytes is kept at all (a quarter of the budget at most). */
  admits(size: number): boolean {
    return size <= this.#maxBytes / 4;
  }

  get(key: string): StaticAsset | undefined {
    const asset = this.#entries.get(key);
    if (asset) {
      this.#entries.delete(key);
      this.#entries.set(key, asset);
    }
    return asset;
  }

  set(key: string, asset: StaticAsset): void {
    this.#entries.delete(key);
    this.#entries.set(key, asset);
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.size;
    for (const [oldest, entry] of this.#entries) {
      if (total <= this.#maxBytes || oldest === key) break;
      this.#entries.delete(oldest);
      total -= entry.size;
    }
  }
}
