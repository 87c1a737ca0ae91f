/**
 * The clients the kit has no web-standard copy of: GraphQL over HTTP with a
 * token, graphql-ws with Deno's own WebSocket, and a WebSocket upgrade written
 * by hand on a TCP connection (to send the Origin and Host a browser or an
 * attacker would). The SSE and MJPEG parsers, `until`, `jpegSize` and
 * `freePort` are the kit's (@servercam/testing, imported by path).
 * @module
 */
import { until } from '../../packages/testing/src/wait.ts';

export type GraphQLResult<T> = { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

/** `Authorization: Bearer TOKEN`, or nothing without a token. */
export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A query or mutation over HTTP. */
export async function httpGraphQL<T>(url: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...bearer(token) },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok) throw new Error(`GraphQL over HTTP failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as GraphQLResult<T>;
}

/** A graphql-ws message as received. */
export interface WsMessage {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

/**
 * A graphql-ws connection (the `graphql-transport-ws` protocol) on Deno's own
 * WebSocket: `connection_init` with `token`, then operations by id. Every
 * message is kept, in order, and the close event once it comes.
 */
export class WsClient implements AsyncDisposable {
  readonly socket: WebSocket;
  readonly messages: WsMessage[] = [];
  closeEvent: { code: number; reason: string } | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(wsUrl: string, token: string | undefined) {
    this.socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    this.closed = new Promise((resolve) => {
      this.socket.addEventListener('close', (event) => {
        this.closeEvent = { code: event.code, reason: event.reason };
        resolve(this.closeEvent);
      }, { once: true });
    });
    this.socket.addEventListener('open', () => {
      this.socket.send(JSON.stringify({ type: 'connection_init', payload: bearer(token) }));
    }, { once: true });
    this.socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as WsMessage;
      if (message.type === 'ping') this.socket.send(JSON.stringify({ type: 'pong' }));
      this.messages.push(message);
    });
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  complete(id: string): void {
    this.socket.send(JSON.stringify({ id, type: 'complete' }));
  }

  /** The `next` payloads of operation `id` so far. */
  results<T>(id: string): GraphQLResult<T>[] {
    return this.messages.filter((message) => message.type === 'next' && message.id === id).map((message) => message.payload as GraphQLResult<T>);
  }

  /** Whether the server sent `type` for `id` (`complete`, `error`). */
  got(type: string, id: string): boolean {
    return this.messages.some((message) => message.type === type && message.id === id);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close(1000, 'done');
    await this.closed;
  }
}

/** A graphql-ws client that has its `connection_ack`; rejects (the socket closed) when the server closes it first. */
export async function connected(wsUrl: string, token: string | undefined): Promise<WsClient> {
  const client = new WsClient(wsUrl, token);
  try {
    await until(() => client.messages.some((message) => message.type === 'connection_ack') || client.closeEvent, 'connection_ack');
    if (client.closeEvent) throw new Error(`WebSocket closed: ${client.closeEvent.code} ${client.closeEvent.reason}`);
    return client;
  } catch (error) {
    await client[Symbol.asyncDispose]();
    throw error;
  }
}

/**
 * One subscription over graphql-ws: the first `count` results, then
 * `complete` and close. Rejects when the server ends it first.
 */
export async function wsSubscription<T>(wsUrl: string, token: string | undefined, query: string, count: number, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>[]> {
  await using client = await connected(wsUrl, token);
  client.subscribe('1', query, variables);
  for (;;) {
    const results = client.results<T>('1');
    if (results.length >= count) {
      client.complete('1');
      return results.slice(0, count);
    }
    const ended = client.messages.find((message) => (message.type === 'error' || message.type === 'complete') && message.id === '1');
    if (ended) throw new Error(`the subscription ended (${ended.type} ${JSON.stringify(ended.payload ?? null)}) after ${results.length} results`);
    if (client.closeEvent) throw new Error(`WebSocket closed: ${client.closeEvent.code} ${client.closeEvent.reason}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A WebSocket upgrade request written by hand to `url`'s host and port, with
 * `headers` as given (Host and Origin included): the status code of the answer.
 */
export async function rawUpgradeStatus(url: string, path: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(url);
  const connection = await Deno.connect({ hostname, port: Number(port) });
  try {
    const lines = [
      `GET ${path} HTTP/1.1`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Protocol: graphql-transport-ws',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    await connection.write(new TextEncoder().encode(`${lines.join('\r\n')}\r\n\r\n`));
    const buffer = new Uint8Array(1024);
    let head = '';
    while (!head.includes('\r\n')) {
      const read = await connection.read(buffer);
      if (read === null) break;
      head += new TextDecoder().decode(buffer.subarray(0, read));
    }
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1];
    if (!status) throw new Error(`no status line in ${JSON.stringify(head.slice(0, 200))}`);
    return Number(status);
  } finally {
    connection.close();
  }
}
