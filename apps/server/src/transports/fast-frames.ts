/**
 * The fast path of `frames` and `video` subscriptions: the operation is
 * parsed, validated and subscribed through Yoga's envelop like any other
 * (plugins, arguments, errors), but its frames (or H.264 chunks) are then read
 * straight from the subscriber's feed and written as bytes made once per frame
 * and selection (frames/messages.ts).
 * No per-subscriber `execute` or `JSON.stringify`.
 *
 * graphql-ws: each `next` is sent as one WebSocket text message in two
 * fragments (RFC 6455 §5.4): the shared `{"type":"next","payload":…,"id":`
 * and the subscriber's `"<id>"}`. Clients see an ordinary message.
 *
 * The runtime adapter writes them ({@link FrameWriter}); this module knows no
 * runtime's sockets.
 *
 * Slow clients: a frame is dropped for a socket that still holds unsent bytes
 * (the kernel's buffer is full), never queued; a `video` feed then skips to
 * the next keyframe (video/feed.ts).
 * @module
 */
import { Buffer } from 'node:buffer';
import { type DocumentNode, Kind, type OperationDefinitionNode } from 'graphql';
import { frameMessage, type FrameSelection } from '../frames/messages.ts';
import type { FrameFeedContext } from '../schema/context.ts';
import type { Feed } from '../subscriptions.ts';

/** The subscriptions the fast path serves. */
export type FastField = 'frames' | 'video';

/** The field of a subscription to `frames` or `video` alone (the fast path serves it); undefined for any other operation. */
export function fastSubscriptionField(document: DocumentNode, operationName: string | null | undefined): FastField | undefined {
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName ? definition.name?.value === operationName : operation === undefined) operation = definition;
    else if (!operationName) return undefined; // several operations and no name: the normal path reports it
  }
  if (!operation || operation.operation !== 'subscription') return undefined;
  const [field, ...others] = operation.selectionSet.selections;
  if (others.length !== 0 || field?.kind !== Kind.FIELD || (field.directives?.length ?? 0) !== 0) return undefined;
  const name = field.name.value;
  return name === 'frames' || name === 'video' ? name : undefined;
}

/**
 * Runs `subscribe` and takes the frame feed its resolver made for `context`
 * (the operation's GraphQL context), if any: the handoff travels as the
 * context's typed `frameFeed` field.
 */
export async function subscribeTakingFeed<R>(context: unknown, subscribe: () => R | Promise<R>): Promise<{ result: R; feed: Feed<object> | undefined }> {
  let feed: Feed<object> | undefined;
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

/**
 * A runtime adapter's capability, per WebSocket connection: write one
 * graphql-ws `next` as one text message in two fragments (the shared `head`,
 * then the subscriber's `tail`), in one write when the runtime can. A socket
 * whose adapter supplies none takes graphql-ws's normal path (counted in
 * `AppStats.graphqlWsFrames`). Node's (`ws`): adapters/ws-frame-writer.ts.
 */
export interface FrameWriter {
  /** Whether the socket is open. */
  readonly open: boolean;
  /** Whether the socket still holds unsent bytes: a frame is then dropped, never queued. */
  readonly busy: boolean;
  writeFrame(head: Uint8Array, tail: Uint8Array): void;
}

/**
 * An async generator-shaped handle for graphql-ws: it yields nothing (frames
 * go to the socket directly), ends when the feed ends (graphql-ws then sends
 * `complete`), and `return()` (the client's `complete`, or the socket closing)
 * stops the frames.
 */
export function pumpFramesToWebSocket(
  feed: Feed<object>,
  socket: FrameWriter,
  id: string,
  selection: FrameSelection,
  cleanup: () => void,
): AsyncGenerator<never, undefined> {
  let stopped = false;
  const tail = Buffer.from(`${JSON.stringify(id)}}`, 'utf8');
  const run = (async () => {
    try {
      for (;;) {
        const { value: frame, done } = await feed.next();
        if (done || stopped || !socket.open) return;
        if (socket.busy) {
          feed.drop();
          continue;
        }
        let head = frameMessage(frame, selection, 'graphql-ws');
        if (head instanceof Promise) head = await head;
        if (stopped || !socket.open) return;
        socket.writeFrame(head, tail);
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
