/**
 * The `ws` library's {@link FrameWriter}: the fast path's two fragments as
 * two `send`s of one text message (`fin: false`, then `fin: true`), corked
 * into one write on the TCP socket. The only module that knows `ws`'s
 * internals (`_socket`); the Node adapter hands it to the app per connection.
 * @module
 */
import { WebSocket } from 'ws';
import type { FrameWriter } from '../transports/fast-frames.ts';

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** The TCP socket under a `ws` WebSocket, when it can be corked. */
function rawSocket(ws: WebSocket): Corkable | undefined {
  const raw = (ws as unknown as { _socket?: Partial<Corkable> })._socket;
  return raw && typeof raw.cork === 'function' && typeof raw.uncork === 'function' ? (raw as Corkable) : undefined;
}

const writers = new WeakMap<WebSocket, FrameWriter>();

/** The frame writer of `ws` (one per connection). */
export function wsFrameWriter(ws: WebSocket): FrameWriter {
  let writer = writers.get(ws);
  if (!writer) {
    const raw = rawSocket(ws);
    writer = {
      get open() {
        return ws.readyState === WebSocket.OPEN;
      },
      get busy() {
        return ws.bufferedAmount > 0;
      },
      writeFrame(head, tail) {
        raw?.cork();
        try {
          ws.send(head, { binary: false, fin: false });
          ws.send(tail, { binary: false, fin: true });
        } finally {
          raw?.uncork();
        }
      },
    };
    writers.set(ws, writer);
  }
  return writer;
}
