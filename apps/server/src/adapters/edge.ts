/**
 * The HTTP edge: what is checked on a request's first bytes, before a
 * `Request` is built or a route runs, by the Node adapter and by the capture
 * node's own server alike. Every check is a refusal with a 4xx, never a throw:
 *
 * - the method: one the server serves, else 405 with `Allow` (TRACE, CONNECT,
 *   PUT, PATCH, WebDAV's…);
 * - the request target: origin-form (`/path?query`), or absolute-form
 *   (`http://host/path`) when it parses, else 400. A path that starts with
 *   `//` (after the URL's own normalization, so `/\x` and `/..//x` too) is
 *   refused: it would read as a host name wherever it were resolved relative;
 * - header values: each capped in length ({@link HEADER_CAPS}), repeated
 *   headers counted together, else 431. Node caps the whole head at 16 KiB;
 *   these caps keep every value a parser sees short.
 *
 * Everything here is linear in the request's size: no regular expression.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pathForLog, type RequestScope } from '../process-guard.ts';

/** The methods the servercam app serves (each route narrows them further). */
export const APP_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE'];

/** The methods of the capture node's `/healthz`. */
export const HEALTH_METHODS: readonly string[] = ['GET', 'HEAD'];

/** Bytes a header may hold (repeats of it joined with ", "), by lowercased name. */
export const HEADER_CAPS: Readonly<Record<string, number>> = {
  host: 1024,
  origin: 1024,
  range: 1024,
  'content-type': 1024,
  'content-length': 64,
  'x-forwarded-proto': 64,
  'sec-websocket-key': 256,
  'sec-websocket-version': 64,
  'sec-websocket-protocol': 1024,
  'sec-websocket-extensions': 1024,
  upgrade: 256,
  connection: 1024,
  authorization: 4096,
  accept: 4096,
  'x-forwarded-for': 4096,
  forwarded: 4096,
  cookie: 8192,
};

/** The cap of a header not in {@link HEADER_CAPS}. */
export const DEFAULT_HEADER_CAP = 8192;

/** Why a request is refused at the edge, and how. */
export interface EdgeRefusal {
  readonly status: 400 | 404 | 405 | 431;
  readonly code: string;
  readonly message: string;
  /** Extra response headers (`Allow`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Whether the connection is closed after the answer (the client is confused). */
  readonly close: boolean;
}

/** A request that passed the edge: its URL on this server's origin. */
export interface EdgeRequest {
  readonly url: URL;
}

export function methodRefusal(allowed: readonly string[]): EdgeRefusal {
  return {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    message: `Method not allowed: this server serves ${allowed.join(', ')}`,
    headers: { Allow: allowed.join(', ') },
    close: false,
  };
}

export const BAD_TARGET: EdgeRefusal = {
  status: 400,
  code: 'BAD_REQUEST_TARGET',
  message: 'Bad request target: expected a path such as /graphql (or an absolute http:// URL)',
  close: true,
};

/**
 * The URL of a request target on `origin` (this server's `http://host:port`),
 * or undefined for a target that is not origin-form, nor absolute-form http(s)
 * that parses, or whose path starts with `//`. Never throws.
 */
export function requestUrl(target: string | undefined, origin: string): URL | undefined {
  if (target === undefined || target === '') return undefined;
  let url: URL;
  try {
    if (target.charCodeAt(0) === 0x2f /* / */) {
      // Appended to the origin, never resolved relative to it: "//x" is a path here, not a host.
      url = new URL(origin + target);
    } else {
      const absolute = new URL(target);
      if ((absolute.protocol !== 'http:' && absolute.protocol !== 'https:') || absolute.username !== '' || absolute.password !== '') return undefined;
      url = new URL(origin + absolute.pathname + absolute.search);
    }
  } catch {
    return undefined;
  }
  if (url.pathname.startsWith('//')) return undefined;
  url.hash = '';
  return url;
}

/** The first header over its cap (lowercased), or undefined. `rawHeaders` as Node gives them: name, value, name, value… */
export function oversizedHeader(rawHeaders: readonly string[]): string | undefined {
  const sizes = new Map<string, number>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const previous = sizes.get(name);
    const size = (previous === undefined ? 0 : previous + 2) + rawHeaders[i + 1]!.length;
    if (size > (HEADER_CAPS[name] ?? DEFAULT_HEADER_CAP)) return name;
    sizes.set(name, size);
  }
  return undefined;
}

export function headerRefusal(name: string): EdgeRefusal {
  const cap = HEADER_CAPS[name] ?? DEFAULT_HEADER_CAP;
  return { status: 431, code: 'HEADER_TOO_LARGE', message: `Request header "${name}" too large: at most ${cap} bytes`, close: true };
}

/** What Node tells of a request's head (an `IncomingMessage`). */
export interface RequestHead {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly rawHeaders: readonly string[];
}

/**
 * The edge's verdict on a request's head: its URL, or a refusal. In this
 * order: the target (400), the headers (431), the method (405).
 */
export function checkRequestHead(head: RequestHead, origin: string, methods: readonly string[]): EdgeRequest | EdgeRefusal {
  const url = requestUrl(head.url, origin);
  if (!url) return BAD_TARGET;
  const oversized = oversizedHeader(head.rawHeaders);
  if (oversized !== undefined) return headerRefusal(oversized);
  if (!methods.includes(head.method ?? '')) return methodRefusal(methods);
  return { url };
}

export function isRefusal(verdict: EdgeRequest | EdgeRefusal): verdict is EdgeRefusal {
  return 'status' in verdict;
}

function bodyOf(refusal: Pick<EdgeRefusal, 'code' | 'message'>): string {
  return JSON.stringify({ error: refusal.message, code: refusal.code });
}

/** A refusal's response headers (its JSON body's length aside). */
function refusalHeaders(refusal: EdgeRefusal): Record<string, string> {
  return { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...(refusal.close ? { Connection: 'close' } : {}), ...refusal.headers };
}

/** Answers a refusal on a response not yet started (never throws: a response already gone is left alone). */
export function writeRefusal(res: ServerResponse, refusal: EdgeRefusal): void {
  try {
    if (res.headersSent || res.destroyed) return;
    const body = bodyOf(refusal);
    res.writeHead(refusal.status, { ...refusalHeaders(refusal), 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  } catch {
    res.destroy();
  }
}

/** A refusal as a Response, for an adapter that answers with one (Deno's). */
export function refusalResponse(refusal: EdgeRefusal): Response {
  return new Response(bodyOf(refusal), { status: refusal.status, headers: refusalHeaders(refusal) });
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

/**
 * Answers on a raw socket (a refused upgrade or CONNECT) and ends it. Never
 * throws; a socket error afterwards (the peer gone) only destroys it.
 */
export function endSocket(socket: Socket, status: number, refusal?: Pick<EdgeRefusal, 'code' | 'message' | 'headers'>): void {
  socket.on('error', () => socket.destroy());
  try {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = refusal ? bodyOf(refusal) : '';
    const extra = Object.entries(refusal?.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    const type = refusal ? 'Content-Type: application/json\r\n' : '';
    socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\n${type}${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    socket.destroySoon();
  } catch {
    socket.destroy();
  }
}

/** A peer's address as the app keys it: an IPv4-mapped IPv6 address as plain IPv4. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** The client's address of a Node socket (see {@link plainAddress}). */
export function clientAddress(socket: Socket): string {
  return plainAddress(socket.remoteAddress ?? 'unknown');
}

/** A listening host as a URL writes it (an IPv6 address in brackets). */
export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The process guard's view of a request (process-guard.ts): a stray error in it closes its connection only. */
export function scopeOf(kind: RequestScope['kind'], head: RequestHead, socket: Socket): RequestScope {
  return { kind, method: head.method, path: pathForLog(head.url), address: clientAddress(socket), abort: () => socket.destroy() };
}

/**
 * A `clientError` listener (bytes Node's HTTP parser refused) that answers as
 * Node's own default does, but 405 with `Allow` for a method Node does not
 * know (`FOO`, `get`), like one it knows and the server does not serve.
 * The answer is written only when no response is under way on the connection
 * (as Node checks: a pipelined response must not be corrupted).
 */
export function clientErrorListener(methods: readonly string[]): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    // Node's own check, on its own field: the response in flight on this connection, if any.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || (inFlight && inFlight.headersSent)) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    switch (error.code) {
      case 'HPE_INVALID_METHOD':
        endSocket(socket, 405, methodRefusal(methods));
        return;
      case 'HPE_HEADER_OVERFLOW':
        endSocket(socket, 431, { code: 'HEADER_TOO_LARGE', message: 'Request headers too large' });
        return;
      case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
        endSocket(socket, 413, { code: 'CHUNK_EXTENSIONS_TOO_LARGE', message: 'Chunk extensions too large' });
        return;
      case 'ERR_HTTP_REQUEST_TIMEOUT':
        endSocket(socket, 408, { code: 'REQUEST_TIMEOUT', message: 'Request timeout' });
        return;
      default:
        endSocket(socket, 400, { code: 'BAD_REQUEST', message: 'Bad request: malformed HTTP' });
    }
  };
}
