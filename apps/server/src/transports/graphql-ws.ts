/**
 * GraphQL over WebSocket (the graphql-ws protocol), run through Yoga's
 * envelop so plugins, context and error masking are the same as over HTTP.
 * Runtime-neutral: each adapter hands these options to its graphql-ws binding
 * (Node: `graphql-ws/use/ws`).
 *
 * `frames` and `video` subscriptions take the fast path (fast-frames.ts): subscribed
 * through envelop like the rest, then written as bytes shared by every
 * subscriber of the same frame and selection, with frames dropped for a socket
 * whose buffer is full. Everything else (queries, mutations, other
 * subscriptions, errors) is graphql-ws's normal path: it awaits each `send`
 * before it pulls the next result, and the iterators conflate meanwhile, so a
 * stalled socket holds at most one message in server memory.
 * @module
 */
import { type ExecutionArgs, GraphQLError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { FrameSelection } from '../frames/messages.ts';
import { selectionKey } from '../frames/messages.ts';
import type { ServercamYoga } from '../schema/yoga.ts';
import type { Feed } from '../subscriptions.ts';
import { fastSubscriptionField, type FastField, type FrameWriter, pumpFramesToWebSocket, subscribeTakingFeed } from './fast-frames.ts';

interface EnvelopedRoot {
  execute(args: ExecutionArgs): ReturnType<NonNullable<ServerOptions['execute']>>;
  subscribe(args: ExecutionArgs): ReturnType<NonNullable<ServerOptions['subscribe']>>;
}

export interface GraphqlWsBinding<E extends Record<PropertyKey, unknown>> {
  readonly options: ServerOptions<Record<string, unknown> | undefined, E>;
  /** Operations running over every open connection (shutdown waits for them to complete). */
  activeOperations(): number;
}

/** `frames` (or `video`) subscriptions over graphql-ws since start, by path. */
export interface GraphqlWsFrameStats {
  /** Served by the fast path, through the adapter's frame writer. */
  readonly fastPath: number;
  /** Served by graphql-ws's normal path, because the connection's adapter supplies no frame writer. */
  readonly normalPath: number;
}

/** A `frames` or `video` subscription on the fast path, between `onSubscribe` and `onOperation`. */
interface FastFrames {
  readonly selection: FrameSelection;
  readonly writer: FrameWriter;
  feed?: Feed<object> | undefined;
}

/**
 * `frameWriter`: the adapter's capability for a connection (`extra`), if its
 * runtime has one; without it `frames` and `video` take the normal path,
 * counted in `counts[field].normalPath`.
 */
export function graphqlWsBinding<E extends Record<PropertyKey, unknown>>(
  yoga: ServercamYoga,
  frameWriter: ((extra: E) => FrameWriter | undefined) | undefined,
  counts: Record<FastField, { fastPath: number; normalPath: number }>,
): GraphqlWsBinding<E> {
  const connections = new Set<{ readonly subscriptions: Record<string, unknown> }>();
  const fast = new WeakMap<object, FastFrames>();
  const options: ServerOptions<Record<string, unknown> | undefined, E> = {
    onConnect: (ctx) => {
      connections.add(ctx);
      return true;
    },
    onClose: (ctx) => {
      connections.delete(ctx);
    },
    execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
    subscribe: async (args) => {
      const fastFrames = fast.get(args);
      if (!fastFrames) return (args.rootValue as EnvelopedRoot).subscribe(args);
      const { result, feed } = await subscribeTakingFeed(args.contextValue, () => (args.rootValue as EnvelopedRoot).subscribe(args));
      fastFrames.feed = feed;
      return result;
    },
    onOperation: (_ctx, id, _payload, args, result) => {
      const fastFrames = fast.get(args);
      if (!fastFrames?.feed) return undefined;
      fast.delete(args);
      const { feed, selection, writer } = fastFrames;
      const stream = result as Partial<AsyncIterator<unknown>>;
      const closeStream = (): void => void stream.return?.()?.catch(() => {});
      if (!(Symbol.asyncIterator in Object(result))) {
        // Errors: the feed goes, graphql-ws sends them as usual.
        void feed.return?.();
        return undefined;
      }
      return pumpFramesToWebSocket(feed, writer, id, selection, closeStream);
    },
    onSubscribe: async (ctx, _id, payload) => {
      // Not `request`: Yoga would take the WebSocket's upgrade GET for the operation's method and refuse mutations.
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra['request'],
        socket: ctx.extra['socket'],
        params: payload,
      });
      let document;
      try {
        document = parse(payload.query);
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      const root: EnvelopedRoot = { execute, subscribe };
      const args = {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: root,
      };
      const field = fastSubscriptionField(document, payload.operationName);
      const writer = field ? frameWriter?.(ctx.extra) : undefined;
      if (field) counts[field][writer ? 'fastPath' : 'normalPath']++;
      if (writer) {
        fast.set(args, {
          writer,
          selection: {
            key: selectionKey(payload.query, payload.operationName, payload.variables),
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: args.contextValue,
          },
        });
      }
      return args;
    },
  };
  return {
    options,
    activeOperations: () => {
      let count = 0;
      for (const ctx of connections) count += Object.keys(ctx.subscriptions).length;
      return count;
    },
  };
}
