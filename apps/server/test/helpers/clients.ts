/** Real clients for each transport, and a registry that closes them all (parsers and `until` from @servercam/testing). */
import { connect, type Socket } from 'node:net';
import { type Client, type ClientOptions, createClient, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { parseSse, type SseEvent, sseEvents as kitSseEvents } from '@servercam/testing';
import { createServer, type Servercam, type ServerOptions, silentLogger } from '../../src/index.ts';

export { type MjpegPart, mjpegParts, type SseEvent, until } from '@servercam/testing';

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

/** The `Authorization` header of a bearer `secret`; none without one. */
export function bearer(secret: string | undefined): Record<string, string> {
  return secret ? { authorization: `Bearer ${secret}` } : {};
}

/** A graphql-ws client (connects at once, no retries), closed by {@link closeAll}; `options` add to its own (`connectionParams`, `on`). */
export function wsClient(wsUrl: string, options: Omit<Partial<ClientOptions>, 'url'> = {}): Client {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, onNonLazyError: () => {}, ...options });
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

export interface PostOptions {
  /** Added to the request's (an `authorization`: {@link bearer}). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly accept?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A GraphQL operation POSTed to `/graphql` (a real socket): the response as it comes. */
export function postGraphql(url: string, query: string, variables: Record<string, unknown> = {}, options: PostOptions = {}): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: options.accept ?? 'application/graphql-response+json', ...options.headers },
    body: JSON.stringify({ query, variables }),
    signal: options.signal ?? null,
  });
}

/** A query or mutation over HTTP (a real socket); `headers` add to the request's. */
export async function httpRequest<T>(url: string, query: string, variables: Record<string, unknown> = {}, headers: Readonly<Record<string, string>> = {}): Promise<Result<T>> {
  const response = await postGraphql(url, query, variables, { headers });
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

/**
 * A GraphQL operation over SSE (the kit's {@link kitSseEvents}), aborted by
 * {@link closeAll} too.
 */
export function sseEvents(url: string, query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  open.push(() => controller.abort());
  return kitSseEvents(url, query, variables, controller.signal);
}

/**
 * A GraphQL operation over SSE as its response, whatever its status, with its
 * events when it is an event stream; aborted by {@link closeAll} too.
 */
export async function sseOpen(url: string, query: string, variables: Record<string, unknown> = {}, options: PostOptions = {}): Promise<{ response: Response; events: AsyncGenerator<SseEvent> | undefined }> {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  open.push(() => controller.abort());
  const response = await postGraphql(url, query, variables, { ...options, accept: 'text/event-stream', signal: controller.signal });
  const events = response.body && (response.headers.get('content-type') ?? '').startsWith('text/event-stream') ? parseSse(response.body) : undefined;
  return { response, events };
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
export async function stalledHttpClient(url: string, path: string, headers: Readonly<Record<string, string>> = {}): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  open.push(() => socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${extra}\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return socket;
}

/**
 * A graphql-ws subscriber that stops reading: a raw `ws` WebSocket whose
 * socket is paused after the first message of its subscription.
 * `onMessage` gets every message of the subscription, the first included, as
 * parsed JSON (after `resume()`, the ones the server wrote meanwhile).
 */
export async function stalledWsSubscriber(
  wsUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  onMessage?: (message: unknown) => void,
): Promise<WebSocket & { resume(): void }> {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  open.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  if (onMessage) ws.on('message', (data: WebSocket.RawData) => onMessage(JSON.parse(data.toString())));
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  const socket = (ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  return Object.assign(ws, { resume: () => void socket.resume() });
}
