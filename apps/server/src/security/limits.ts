/**
 * Abuse limits, each with a safe default and a clear refusal:
 *
 * | limit | default | refusal |
 * | --- | --- | --- |
 * | `maxDepth`: selection depth of an operation (fragments expanded) | 8 | GraphQL `QUERY_TOO_COMPLEX` |
 * | `maxAliases`: aliased fields in an operation (fragments expanded) | 10 | GraphQL `QUERY_TOO_COMPLEX` |
 * | `maxFields`: fields in an operation (fragments expanded) | 200 | GraphQL `QUERY_TOO_COMPLEX` |
 * | `maxTokens`: tokens in a document | 2000 | GraphQL `GRAPHQL_PARSE_FAILED` |
 *
 * (Depth and fields do not count introspection; the GraphQL rules are in operation-limits.ts.)
 * | `maxSubscriptionsPerConnection` (graphql-ws) | 20 | GraphQL `TOO_MANY_SUBSCRIPTIONS` |
 * | `maxConnectionsPerAddress`: authenticated WebSockets of one client address (TCP connections of one peer: twice this) | 64 | HTTP 429 |
 * | `maxUnauthenticatedConnectionsPerAddress`: WebSockets of one client address not yet authenticated | 8 | HTTP 429 |
 * | `authTimeoutMs`: time a WebSocket has to send `connection_init` | 2000 | close 4408 |
 * | `maxBodyBytes`: a request body | 65536 | HTTP 413 |
 * | `mutationsPerMinute` per client address (burst: a tenth, at least 5) | 120 | GraphQL `RATE_LIMITED` |
 * | `maxVariantsPerCamera`: distinct widths encoded per camera, full size included | 4 | none: past it, a consumer shares the nearest width |
 * | `maxVideoVariantsPerCamera`: distinct H.264 variants (width and rate) per camera, each an encoder process | 2 | none: past it, a video consumer shares the nearest variant |
 * | `videoGopBytes`: bytes of each video variant's cached GOP, and of a video consumer's unread chunks (at least 1024) | 8 MiB | none: a late joiner whose GOP outgrew it waits for the next keyframe; a consumer past it drops to the next keyframe |
 * | `failedAuthPerMinute`: wrong tokens or forged cookies per client address, all at once | 30 | HTTP 429 `RATE_LIMITED`; graphql-ws close 4429 |
 * @module
 */
import { GraphQLError } from 'graphql';
import { DEFAULT_MAX_VARIANTS, DEFAULT_MAX_VIDEO_VARIANTS, DEFAULT_VIDEO_GOP_BYTES } from '@servercam/core';

export interface Limits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxFields: number;
  readonly maxTokens: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly maxConnectionsPerAddress: number;
  readonly maxUnauthenticatedConnectionsPerAddress: number;
  readonly authTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly mutationsPerMinute: number;
  /** Distinct widths each camera encodes (the core's `maxVariantsPerCamera`). */
  readonly maxVariantsPerCamera: number;
  /** Distinct H.264 variants each camera encodes, each an ffmpeg process (the core's `maxVideoVariantsPerCamera`). */
  readonly maxVideoVariantsPerCamera: number;
  /** The bound, in bytes, of each video variant's cached GOP and of a video consumer's unread chunks (the core's `videoGopBytes`). */
  readonly videoGopBytes: number;
  /** Failed authentications per client address and minute, the whole budget usable at once (security/failed-auth.ts). */
  readonly failedAuthPerMinute: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 8,
  maxAliases: 10,
  maxFields: 200,
  maxTokens: 2000,
  maxSubscriptionsPerConnection: 20,
  maxConnectionsPerAddress: 64,
  maxUnauthenticatedConnectionsPerAddress: 8,
  authTimeoutMs: 2000,
  maxBodyBytes: 64 * 1024,
  mutationsPerMinute: 120,
  maxVariantsPerCamera: DEFAULT_MAX_VARIANTS,
  maxVideoVariantsPerCamera: DEFAULT_MAX_VIDEO_VARIANTS,
  videoGopBytes: DEFAULT_VIDEO_GOP_BYTES,
  failedAuthPerMinute: 30,
};

export const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>;

/** The largest value of the limits that have one. */
export const LIMIT_MAX: Partial<Record<keyof Limits, number>> = { maxVariantsPerCamera: 64, maxVideoVariantsPerCamera: 64 };

/** The smallest value of the limits whose least is not 1 (a GOP bound below a keyframe's bytes caches nothing useful). */
export const LIMIT_MIN: Partial<Record<keyof Limits, number>> = { videoGopBytes: 1024 };

export function resolveLimits(partial: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) };
}

/** A token bucket per key (a client address): `perMinute` refill, `burst` capacity. */
export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, burst = Math.max(5, Math.ceil(perMinute / 10))) {
    this.#perMs = perMinute / 60_000;
    this.#burst = burst;
  }

  /** How long until `key` has a token again (ms; 0: it has one now). Takes nothing. */
  waitMs(key: string, now = Date.now()): number {
    const bucket = this.#buckets.get(key);
    if (!bucket) return 0;
    const tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.#perMs);
  }

  /** Takes one token for `key`; false when none is left. */
  take(key: string, now = Date.now()): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= 10_000) this.#prune(now);
      bucket = { tokens: this.#burst, at: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Drops the buckets that are full again (idle clients). */
  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.#burst) this.#buckets.delete(key);
    }
  }
}

export function rateLimited(perMinute: number): GraphQLError {
  return new GraphQLError(`Too many changes: at most ${perMinute} mutations a minute from one client; try again shortly`, {
    extensions: { code: 'RATE_LIMITED', http: { status: 429 } },
  });
}

export function tooManySubscriptions(limit: number): GraphQLError {
  return new GraphQLError(`Too many operations on this connection (at most ${limit}): complete some, or open another connection`, {
    extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
  });
}

/** Open connections per client address; `tryOpen` refuses past the limit. */
export class ConnectionCounter {
  readonly #limit: number;
  readonly #open = new Map<string, number>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  tryOpen(address: string): boolean {
    const count = this.#open.get(address) ?? 0;
    if (count >= this.#limit) return false;
    this.#open.set(address, count + 1);
    return true;
  }

  close(address: string): void {
    const count = (this.#open.get(address) ?? 0) - 1;
    if (count > 0) this.#open.set(address, count);
    else this.#open.delete(address);
  }

  get total(): number {
    let sum = 0;
    for (const count of this.#open.values()) sum += count;
    return sum;
  }
}

export class BodyTooLarge extends Error {
  readonly code = 'BODY_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`Request body too large: at most ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * The request with its body read into memory, at most `limit` bytes (checked
 * on `Content-Length` first, then while reading a chunked body).
 * @throws {BodyTooLarge}
 */
export async function withLimitedBody(request: Request, limit: number): Promise<Request> {
  if (!request.body) return request;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await request.body.cancel().catch(() => {});
    throw new BodyTooLarge(limit);
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
}

export function bodyTooLargeResponse(limit: number): Response {
  return Response.json(
    { error: `Request body too large: at most ${limit} bytes`, code: 'BODY_TOO_LARGE' },
    { status: 413, headers: { 'Cache-Control': 'no-store', Connection: 'close' } },
  );
}

/** The raw HTTP answer to a connection refused before any request is read. */
export function tooManyConnectionsRaw(limit: number): string {
  const body = JSON.stringify({ error: `Too many connections from this address (at most ${limit})`, code: 'TOO_MANY_CONNECTIONS' });
  return `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The request with its body read, at most `limit` bytes ({@link withLimitedBody}), or the 413 answer when it has more. */
export async function limitedRequest(request: Request, limit: number): Promise<Request | Response> {
  try {
    return await withLimitedBody(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLarge) return bodyTooLargeResponse(error.limit);
    throw error;
  }
}
