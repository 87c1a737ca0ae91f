/**
 * graphql-ws over a WebSocket of `Deno.upgradeWebSocket`: the socket binding
 * (as graphql-ws's own `use/deno` does, with servercam's `extra` and message
 * cap) and the fast path's {@link FrameWriter}. Only the Deno adapter
 * (deno.ts) uses it; it names no Deno global, so Node can load it.
 *
 * Deno's WebSocket sends whole messages only (no fragments, no cork): the
 * writer sends the shared head and the subscriber's tail as one text message.
 * The head's text is decoded once per frame and selection (shared by every
 * subscriber, like its bytes), so a subscriber costs one concatenation and
 * Deno's own send.
 * @module
 */
import { Buffer } from 'node:buffer';
import { CloseCode, type Server } from 'graphql-ws';
import type { FrameWriter } from '../transports/fast-frames.ts';

/** The part of a server-side WebSocket of Deno (the web's `WebSocket`) used here. */
export interface DenoWebSocket {
  readonly readyState: number;
  /** Bytes queued by `send` and not yet written to the connection. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

/** The web's `CloseEvent`, as much as used (Node's types have none). */
interface CloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
}

const OPEN = 1;

/** Close code of a message over the size limit (RFC 6455 §7.4.1). */
export const CLOSE_MESSAGE_TOO_BIG = 1009;

/** Text of shared heads and tails, decoded once per bytes object (released with them). */
const texts = new WeakMap<Uint8Array, string>();

function textOf(bytes: Uint8Array): string {
  let text = texts.get(bytes);
  if (text === undefined) {
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    texts.set(bytes, text);
  }
  return text;
}

/** The frame writer of a Deno WebSocket: one text message per frame. */
export function denoFrameWriter(socket: DenoWebSocket): FrameWriter {
  return {
    get open() {
      return socket.readyState === OPEN;
    },
    get busy() {
      return socket.bufferedAmount > 0;
    },
    writeFrame(head, tail) {
      socket.send(textOf(head) + textOf(tail));
    },
  };
}

/**
 * Resolves once `socket` has handed every queued byte to the connection, or
 * closed. Deno's WebSocket has no send callback nor drain event: this polls
 * every 10 ms, and only while bytes are queued.
 */
async function drained(socket: DenoWebSocket): Promise<void> {
  while (socket.readyState === OPEN && socket.bufferedAmount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

export interface GraphqlWsSocketOptions {
  /** The subprotocol agreed in the upgrade (Deno's server-side socket does not report it), or '' for none. */
  readonly protocol: string;
  /** An incoming message of more bytes (UTF-8) closes the socket with 1009 (`ws`'s `maxPayload` on Node). */
  readonly maxMessageBytes: number;
  /** Called once the socket has closed (after graphql-ws has cleaned up), or failed to open. */
  readonly onClosed: () => void;
  /** Logs an error of the binding (a message handler that threw). */
  readonly onError: (error: unknown) => void;
}

/**
 * Runs graphql-ws `server` on `socket` (just upgraded, not yet open) with
 * `extra`. Like graphql-ws's adapters, each `send` resolves once the message
 * has left (here: the socket's queue has drained), so graphql-ws pulls the
 * next result of a normal-path operation only then.
 */
export function serveGraphqlWs<E>(server: Server<E>, socket: DenoWebSocket, extra: E, options: GraphqlWsSocketOptions): void {
  let closed: ((code?: number, reason?: string) => Promise<void>) | undefined;
  let ended = false;
  const end = (code: number | undefined, reason: string | undefined): void => {
    if (ended) return;
    ended = true;
    void (closed?.(code, reason) ?? Promise.resolve()).catch(options.onError).finally(options.onClosed);
  };
  socket.onopen = () => {
    closed = server.opened(
      {
        protocol: options.protocol,
        send: async (message) => {
          if (socket.readyState !== OPEN) return;
          socket.send(message);
          if (socket.bufferedAmount > 0) await drained(socket);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) => {
          socket.onmessage = (event) => {
            const data: unknown = event.data;
            if (typeof data !== 'string') {
              // graphql-ws speaks text only; a binary message is not one of its messages.
              socket.close(CloseCode.BadRequest, 'Invalid message received');
              return;
            }
            if (Buffer.byteLength(data, 'utf8') > options.maxMessageBytes) {
              socket.close(CLOSE_MESSAGE_TOO_BIG, 'Message too big');
              return;
            }
            handle(data).catch((error: unknown) => {
              options.onError(error);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          };
        },
      },
      extra,
    );
  };
  socket.onclose = (event) => end(event.code, event.reason);
  socket.onerror = () => {
    // Deno follows an error with `close`; a socket that never opened gets only this.
    if (socket.readyState !== OPEN && closed === undefined) end(undefined, undefined);
  };
}
