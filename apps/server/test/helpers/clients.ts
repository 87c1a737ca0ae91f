/** Real clients for each transport, and a registry that closes them all. */
import { connect, type Socket } from 'node:net';
import { type Client, createClient, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { createServer, type Servercam, type ServerOptions, silentLogger } from '../../src/index.ts';

const open: Array<() => unknown> = [];

/** Closes everything opened through these helpers (call in afterAll / afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).reverse().map(async (close) => {
    try {
      await close();
    } catch {
      // Already closed.
    }
  }));
}

export interface Running {
  readonly server: Servercam;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** ws://127.0.0.1:PORT/graphql */
  readonly wsUrl: string;
}

/** A server on a free loopback port, closed by {@link closeAll}. */
export async function startServer(options: ServerOptions = {}): Promise<Running> {
  const server = createServer({ logger: silentLogger(), uiDir: false, ...options, host: '127.0.0.1', port: 0 });
  open.push(() => server.close());
  const { url } = await server.listen();
  return { server, url, wsUrl: `${url.replace(/^http/, 'ws')}/graphql` };
}

/** A graphql-ws client (connects at once, no retries). */
export function wsClient(wsUrl: string): Client {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, onNonLazyError: () => {} });
  open.push(() => client.dispose());
  return client;
}

export type Result<T> = ExecutionResult<T, unknown>;

/** A subscription (or single operation) over graphql-ws as an async iterator of results. */
export function wsSubscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}): AsyncIterableIterator<Result<T>> {
  const iterator = client.iterate<T>({ query, variables }) as AsyncIterableIterator<Result<T>>;
  open.push(() => iterator.return?.());
  return iterator;
}

/** One query or mutation over graphql-ws. */
export async function wsRequest<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<Result<T>> {
  const iterator = client.iterate<T>({ query, variables });
  const { value } = await iterator.next();
  await iterator.return?.();
  return value as Result<T>;
}

/** A query or mutation over HTTP (a real socket). */
export async function httpRequest<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Result<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result<T>;
}

const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/** The next value, or an error after `ms`. */
/**
 * A `next()` that lost a race against a timeout is still pending; when the
 * stream is aborted at teardown it rejects, with nobody left to handle it, and
 * vitest would fail the run for it. Such a late rejection is nobody's error.
 */
function abandon(pending: Promise<unknown>): void {
  pending.catch(() => {});
}

export async function next<T>(iterator: AsyncIterator<T>, ms = 10_000, what = 'a value'): Promise<T> {
  const pending = iterator.next();
  const result = await Promise.race([pending, timeout(ms)]);
  if (result === 'timeout') {
    abandon(pending);
    throw new Error(`no ${what} within ${ms} ms`);
  }
  if (result.done) throw new Error(`the iteration ended before ${what}`);
  return result.value;
}

/** Every value for `ms` milliseconds, then ends the iterator. */
export async function collectFor<T>(iterator: AsyncIterator<T>, ms: number): Promise<T[]> {
  const values: T[] = [];
  const end = Date.now() + ms;
  let pending = iterator.next();
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) break;
    const result = await Promise.race([pending, timeout(left)]);
    if (result === 'timeout') break;
    if (result.done) return values;
    values.push(result.value);
    pending = iterator.next();
  }
  abandon(pending);
  const returned = iterator.return?.();
  if (returned) abandon(returned);
  return values;
}

/** Waits until `check` gives a truthy value. */
export async function until<T>(check: () => T | Promise<T>, what: string, ms = 10_000): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** A GraphQL operation over SSE (Yoga's distinct-connections mode), as events. */
export async function* sseEvents(url: string, query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  open.push(() => controller.abort());
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`SSE request failed: ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`not SSE: ${response.headers.get('content-type')}`);
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) return;
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0 || event !== 'message') yield { event, data: data.join('\n') };
      }
    }
  } finally {
    controller.abort();
    await reader.cancel().catch(() => {});
  }
}

export interface MjpegPart {
  readonly headers: Record<string, string>;
  readonly data: Uint8Array;
}

/** Reads an MJPEG stream (multipart/x-mixed-replace) part by part. */
export async function* mjpegParts(response: Response): AsyncGenerator<MjpegPart> {
  const type = response.headers.get('content-type') ?? '';
  const boundary = /boundary=([^;]+)/.exec(type)?.[1];
  if (!boundary) throw new Error(`no multipart boundary in "${type}"`);
  let buffer = Buffer.alloc(0);
  const reader = response.body!.getReader();
  const fill = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    buffer = Buffer.concat([buffer, value]);
    return true;
  };
  try {
    for (;;) {
      let headerEnd: number;
      while ((headerEnd = buffer.indexOf('\r\n\r\n')) < 0) if (!(await fill())) return;
      const lines = buffer.subarray(0, headerEnd).toString('latin1').split('\r\n');
      if (lines[0] !== `--${boundary}`) throw new Error(`expected the boundary, got "${lines[0]}"`);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length']);
      if (!Number.isInteger(length)) throw new Error('a part without Content-Length');
      const start = headerEnd + 4;
      while (buffer.length < start + length + 2) if (!(await fill())) return;
      yield { headers, data: new Uint8Array(buffer.subarray(start, start + length)) };
      if (buffer.subarray(start + length, start + length + 2).toString('latin1') !== '\r\n') throw new Error('a part not ended by CRLF');
      buffer = buffer.subarray(start + length + 2);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Opens an MJPEG stream with fetch; the stream is aborted by {@link closeAll}. */
export async function openMjpeg(url: string): Promise<Response> {
  const controller = new AbortController();
  open.push(() => controller.abort());
  return fetch(url, { signal: controller.signal });
}

/**
 * A client that sends a request and then stops reading: its socket is paused
 * once the response starts, so the server's writes back up.
 */
export async function stalledHttpClient(url: string, path: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  open.push(() => socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return socket;
}

/**
 * A graphql-ws subscriber that stops reading: a raw `ws` WebSocket whose
 * socket is paused after the first message of its subscription.
 */
export async function stalledWsSubscriber(wsUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<WebSocket> {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  open.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  (ws as unknown as { _socket: Socket })._socket.pause();
  return ws;
}
