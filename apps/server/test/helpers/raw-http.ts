/**
 * HTTP on a raw TCP socket (node:net): bytes exactly as given, so a test can
 * send what no HTTP client would (a bad method, `//` as the target, CRLF in a
 * header, a half upgrade), and read the status line of whatever comes back.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status code; 0 when the server closed the connection without answering, -1 when it did not answer in time. */
  readonly status: number;
  /** Lowercased header names; the last value of a repeated one. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes received with the head (all of it when the response has a Content-Length and fits). */
  readonly body: string;
}

export interface RawOptions {
  readonly host?: string;
  /** Give up after this long (ms, default 5000): status -1. */
  readonly timeoutMs?: number;
  /**
   * Half-close after writing (default false): a server waiting for more body sees the end at once,
   * but Node then also drops a response still being made (`httpAllowHalfOpen` is off).
   */
  readonly end?: boolean;
  /** Wait for the body (by Content-Length) after the head (default true); false returns at the head (streams). */
  readonly body?: boolean;
}

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const lines = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: status ? Number(status[1]) : 0, headers };
}

/** Sends `bytes` (a string is sent as latin1: one byte per character) and reads the answer's head. */
export function rawRequest(port: number, bytes: string | Uint8Array, options: RawOptions = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, options.host ?? '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (answer: RawAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const fromReceived = (): RawAnswer => {
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return { status: 0, headers: {}, body: '' };
      return { ...parseHead(text.slice(0, end)), body: text.slice(end + 4) };
    };
    const timer = setTimeout(() => {
      const answer = fromReceived();
      finish(answer.status === 0 ? { status: -1, headers: {}, body: '' } : answer);
    }, options.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = fromReceived();
      if (answer.status === 0) return;
      const length = Number(answer.headers['content-length'] ?? NaN);
      if (options.body === false || (Number.isFinite(length) && Buffer.byteLength(answer.body, 'latin1') >= length)) finish(answer);
    });
    socket.on('error', () => finish(fromReceived()));
    socket.on('close', () => finish(fromReceived()));
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    if (options.end === true) socket.end();
  });
}

/** A request head: `METHOD target HTTP/1.1`, then the headers, with a Host of 127.0.0.1 unless one is given. */
export function requestHead(method: string, target: string, headers: ReadonlyArray<readonly [string, string]> = []): string {
  const all = headers.some(([name]) => name.toLowerCase() === 'host') ? headers : [['Host', '127.0.0.1'] as const, ...headers];
  return `${method} ${target} HTTP/1.1\r\n${all.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}

/** The headers of a WebSocket upgrade. */
export const UPGRADE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Connection', 'Upgrade'],
  ['Upgrade', 'websocket'],
  ['Sec-WebSocket-Version', '13'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Protocol', 'graphql-transport-ws'],
];

/** `GET /healthz` on a fresh connection: its status (200 when the server is up). */
export async function healthStatus(port: number): Promise<number> {
  return (await rawRequest(port, requestHead('GET', '/healthz', [['Connection', 'close']]))).status;
}
