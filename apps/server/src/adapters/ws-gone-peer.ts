/**
 * A send to a WebSocket peer that has gone (it reset the connection while a
 * message was written) succeeds quietly, for graphql-ws's `useServer`.
 *
 * `useServer` awaits each send inside its message handler, which runs for a
 * subscription's whole life, and logs a failed one with `console.error` as
 * "Internal error occurred during message handling. Please check your
 * implementation." with a stack trace (graphql-ws#533). A viewer that closes
 * its tab or drops off the network is not an internal error: the socket's
 * close, which always follows, ends its subscriptions. Any other send error is
 * passed on unchanged.
 * @module
 */
import type { WebSocket } from 'ws';

/** The errors of a write to a connection the peer has reset or closed, or that is already destroyed. */
const GONE_PEER = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function isGonePeer(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && GONE_PEER.has(code);
}

/** Makes `ws.send`'s callback see no error when the peer has gone (see the module's text). */
export function quietSendsToGonePeer(ws: WebSocket): WebSocket {
  const send = ws.send.bind(ws) as (data: unknown, options: object, callback?: (error?: Error) => void) => void;
  const quiet = (callback: ((error?: Error) => void) | undefined) =>
    callback && ((error?: Error) => callback(error && isGonePeer(error) ? undefined : error));
  ws.send = ((data: unknown, optionsOrCallback?: object | ((error?: Error) => void), callback?: (error?: Error) => void) => {
    if (typeof optionsOrCallback === 'function') send(data, {}, quiet(optionsOrCallback as (error?: Error) => void));
    else send(data, optionsOrCallback ?? {}, quiet(callback));
  }) as WebSocket['send'];
  return ws;
}
