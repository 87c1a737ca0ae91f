/**
 * The fast path of `frames` and `video` over Yoga's SSE (distinct connections): a Yoga
 * plugin. The operation is parsed, validated and subscribed by Yoga as usual;
 * then, instead of Yoga's SSE processor (one `execute` and one
 * `JSON.stringify` per subscriber and frame), the response streams the frame's
 * `event: next` bytes made once per frame and selection (frames/messages.ts):
 * over SSE there is no per-subscriber id, so every subscriber of a variant and
 * selection gets the very same bytes. Same framing as Yoga's processor: a first
 * `:` comment, a `:` ping every 12 s, `event: complete` at the end.
 *
 * Slow clients: the body holds at most one frame; while the socket is full the
 * adapter does not read it, and newer frames are dropped.
 * @module
 */
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { frameMessage, type FrameSelection, selectionKey } from '../frames/messages.ts';
import type { Feed } from '../subscriptions.ts';
import { fastSubscriptionField, subscribeTakingFeed } from './fast-frames.ts';

const PING_MS = 12_000;
const encoder = new TextEncoder();
const COMMENT = encoder.encode(':\n\n');
const COMPLETE = encoder.encode('event: complete\ndata:\n\n');

/** A subscription result the plugin streams itself; still a plain async iterable of results for anyone else. */
class SseFrames implements AsyncIterable<unknown> {
  readonly feed: Feed<object>;
  readonly selection: FrameSelection;
  readonly stream: AsyncIterable<unknown>;

  constructor(feed: Feed<object>, selection: FrameSelection, stream: AsyncIterable<unknown>) {
    this.feed = feed;
    this.selection = selection;
    this.stream = stream;
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return this.stream[Symbol.asyncIterator]();
  }

  response(): Response {
    const { feed, selection } = this;
    let stopped = false;
    let ping: ReturnType<typeof setInterval> | undefined;
    const stop = (): void => {
      stopped = true;
      clearInterval(ping);
      void feed.return?.();
      void (this.stream as Partial<AsyncIterator<unknown>>).return?.()?.catch(() => {});
    };
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          controller.enqueue(COMMENT);
          ping = setInterval(() => {
            if ((controller.desiredSize ?? 0) > 0) controller.enqueue(COMMENT);
          }, PING_MS);
          void (async () => {
            try {
              for (;;) {
                const { value: frame, done } = await feed.next();
                if (done || stopped) break;
                if ((controller.desiredSize ?? 0) <= 0) {
                  feed.drop();
                  continue;
                }
                let message = frameMessage(frame, selection, 'sse');
                if (message instanceof Promise) message = await message;
                if (stopped) return;
                controller.enqueue(message);
              }
              if (stopped) return;
              controller.enqueue(COMPLETE);
              controller.close();
            } catch (error) {
              if (!stopped) controller.error(error);
            } finally {
              stop();
            }
          })();
        },
        cancel: stop,
      },
      { highWaterMark: 1 },
    );
    return new Response(body, {
      headers: { 'Content-Type': 'text/event-stream', Connection: 'keep-alive', 'Cache-Control': 'no-cache', 'Content-Encoding': 'none' },
    });
  }
}

function acceptsEventStream(request: Request | undefined): boolean {
  return request?.headers.get('accept')?.includes('text/event-stream') ?? false;
}

/** Streams `frames` and `video` subscriptions over SSE with bytes shared by every subscriber. */
export function useSseFrames(): Plugin {
  // By request: plugins after this one (error masking) wrap the result in a stream of their own.
  const fast = new WeakMap<Request, SseFrames>();
  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (!acceptsEventStream(request) || fastSubscriptionField(args.document, args.operationName) === undefined) return undefined;
      let feed: Feed<object> | undefined;
      setSubscribeFn(async (subscribeArgs) => {
        const taken = await subscribeTakingFeed(subscribeArgs.contextValue, () => subscribeFn(subscribeArgs));
        feed = taken.feed;
        return taken.result;
      });
      return {
        onSubscribeResult({ result, setResult }) {
          if (!feed) return;
          if (!isAsyncIterable(result)) {
            void feed.return?.();
            return;
          }
          const { document, operationName, variableValues, schema, contextValue } = args;
          const query = (args.contextValue as { params?: { query?: string } }).params?.query;
          const selection: FrameSelection = {
            // The query text when Yoga gives it; otherwise the document object is the key (Yoga caches parsed documents).
            key: selectionKey(query ?? `#doc${documentId(document)}`, operationName, variableValues),
            schema,
            document,
            operationName,
            variableValues,
            contextValue,
          };
          const frames = new SseFrames(feed, selection, result);
          fast.set(request!, frames);
          setResult(frames as never);
        },
      };
    },
    onResultProcess({ request, result, setResultProcessor }) {
      const frames = fast.get(request);
      if (!frames || !isAsyncIterable(result)) return;
      fast.delete(request);
      // Yoga's stream (`result`) wraps ours: ending ours ends it.
      setResultProcessor(() => frames.response(), 'text/event-stream');
    },
  };
}

const documentIds = new WeakMap<object, number>();
let nextDocumentId = 0;
function documentId(document: object): number {
  let id = documentIds.get(document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(document, id);
  }
  return id;
}
