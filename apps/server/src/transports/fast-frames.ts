/**
 * The fast path of `frames` subscriptions: the operation is parsed, validated
 * and subscribed through Yoga's envelop like any other (plugins, arguments,
 * errors), but its frames are then read straight from the subscriber's feed
 * and written as bytes made once per frame and selection (frames/messages.ts).
 * No per-subscriber `execute` or `JSON.stringify`.
 *
 * graphql-ws: each `next` is sent as one WebSocket text message in two
 * fragments (RFC 6455 §5.4): the shared `{"type":"next","payload":…,"id":`
 * and the subscriber's `"<id>"}`. Clients see an ordinary message.
 *
 * Slow clients: a frame is dropped for a socket that still holds unsent bytes
 * (`bufferedAmount > 0`, i.e. the kernel's buffer is full), never queued.
 * @module
 */
import { Buffer } from 'node:buffer';
import { type DocumentNode, Kind, type OperationDefinitionNode } from 'graphql';
import { frameMessage, type FrameSelection } from '../frames/messages.ts';
import type { FrameFeedContext } from '../schema/context.ts';
import type { FrameFeed } from '../subscriptions.ts';

/** Whether `operation` is a subscription to `frames` alone (the fast path serves it). */
export function isFramesSubscription(document: DocumentNode, operationName: string | null | undefined): boolean {
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName ? definition.name?.value === operationName : operation === undefined) operation = definition;
    else if (!operationName) return false; // several operations and no name: the normal path reports it
  }
  if (!operation || operation.operation !== 'subscription') return false;
  const [field, ...others] = operation.selectionSet.selections;
  return others.length === 0 && field?.kind === Kind.FIELD && field.name.value === 'frames' && (field.directives?.length ?? 0) === 0;
}

/**
 * Runs `subscribe` and takes the frame feed its resolver made for `context`
 * (the operation's GraphQL context), if any: the handoff travels as the
 * context's typed `frameFeed` field.
 */
export async function subscribeTakingFeed<R>(context: unknown, subscribe: () => R | Promise<R>): Promise<{ result: R; feed: FrameFeed | undefined }> {
  let feed: FrameFeed | undefined;
  if (typeof context !== 'object' || context === null) return { result: await subscribe(), feed };
  const target = context as FrameFeedContext;
  target.frameFeed = {
    take: (taken) => {
      feed = taken;
    },
  };
  try {
    return { result: await subscribe(), feed };
  } finally {
    target.frameFeed = undefined;
  }
}

/** The part of a `ws` WebSocket the fast path uses. */
export interface FrameSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array, options: { binary: boolean; fin: boolean }): void;
}

const OPEN = 1;

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** The socket under a `ws` WebSocket, to write both fragments in one system call. */
function rawSocket(socket: FrameSocket): Corkable | undefined {
  const raw = (socket as { _socket?: Partial<Corkable> })._socket;
  return raw && typeof raw.cork === 'function' && typeof raw.uncork === 'function' ? (raw as Corkable) : undefined;
}

/**
 * An async generator-shaped handle for graphql-ws: it yields nothing (frames
 * go to the socket directly), ends when the feed ends (graphql-ws then sends
 * `complete`), and `return()` (the client's `complete`, or the socket closing)
 * stops the frames.
 */
export function pumpFramesToWebSocket(
  feed: FrameFeed,
  socket: FrameSocket,
  id: string,
  selection: FrameSelection,
  cleanup: () => void,
): AsyncGenerator<never, undefined> {
  let stopped = false;
  const tail = Buffer.from(`${JSON.stringify(id)}}`, 'utf8');
  const raw = rawSocket(socket);
  const run = (async () => {
    try {
      for (;;) {
        const { value: frame, done } = await feed.next();
        if (done || stopped || socket.readyState !== OPEN) return;
        if (socket.bufferedAmount > 0) {
          feed.drop();
          continue;
        }
        let head = frameMessage(frame, selection, 'graphql-ws');
        if (head instanceof Promise) head = await head;
        if (stopped || socket.readyState !== OPEN) return;
        raw?.cork();
        try {
          socket.send(head, { binary: false, fin: false });
          socket.send(tail, { binary: false, fin: true });
        } finally {
          raw?.uncork();
        }
      }
    } finally {
      stopped = true;
      await feed.return?.();
      cleanup();
    }
  })();
  const finished = run.then(() => ({ value: undefined, done: true }) as const);
  const handle: AsyncGenerator<never, undefined> = {
    next: () => finished,
    return: async () => {
      stopped = true;
      await feed.return?.();
      return finished;
    },
    throw: async (error: unknown) => {
      stopped = true;
      await feed.return?.();
      await finished;
      throw error;
    },
    [Symbol.asyncIterator]() {
      return handle;
    },
    // Node 20's lib types AsyncGenerator with asyncDispose when the esnext lib is on; not needed here.
  } as AsyncGenerator<never, undefined>;
  return handle;
}
