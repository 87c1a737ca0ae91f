/**
 * HTTP requests and WebSocket upgrades with headers fetch will not send as
 * given (a foreign Host, X-Forwarded-For), over real sockets with `node:http`.
 * @module
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import type { Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Connect here instead of the URL's host (the URL's path is still used). */
  readonly connectTo?: string;
}

/** One request; `headers.host` replaces the URL's Host. */
export function send(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.connectTo ?? target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { host: target.host, ...options.headers },
        setHost: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface UpgradeResult {
  /** 101 when the upgrade was accepted, else the refusal's status. */
  readonly status: number;
  /** The refusal's body (JSON), or '' after a 101. */
  readonly body: string;
  /** The upgraded socket, after a 101: the caller closes it (or lets the server close it). */
  readonly socket: Socket | undefined;
}

/** A WebSocket upgrade of `url` (ws:// or http://) with `headers` (a foreign Host, Origin, credentials). */
export function upgrade(url: string, headers: Readonly<Record<string, string>> = {}, connectTo?: string): Promise<UpgradeResult> {
  const target = new URL(url.replace(/^ws/, 'http'));
  return new Promise((resolve, reject) => {
    const req = request({
      host: connectTo ?? target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port,
      path: `${target.pathname}${target.search}`,
      headers: {
        host: target.host,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-protocol': 'graphql-transport-ws',
        ...headers,
      },
      setHost: false,
      agent: false,
    });
    req.on('upgrade', (res, socket) => {
      socket.on('error', () => {});
      resolve({ status: res.statusCode ?? 0, body: '', socket });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket: undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits for the WebSocket close frame on an upgraded socket; its close code (or undefined when the socket just ended). */
export function closeCode(socket: Socket): Promise<number | undefined> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      // Frames from the server are not masked: FIN/opcode, length (< 126 here), payload.
      while (buffer.length >= 2) {
        const opcode = buffer[0]! & 0x0f;
        const length = buffer[1]! & 0x7f;
        const header = length === 126 ? 4 : 2;
        const size = length === 126 ? buffer.readUInt16BE(2) : length;
        if (buffer.length < header + size) return;
        if (opcode === 0x8) {
          socket.off('data', onData);
          resolve(size >= 2 ? buffer.readUInt16BE(header) : undefined);
          socket.destroy();
          return;
        }
        buffer = buffer.subarray(header + size);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => resolve(undefined));
  });
}
