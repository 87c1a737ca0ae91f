/**
 * GraphQL over WebSocket (the graphql-ws protocol), run through Yoga's
 * envelop so plugins, context and error masking are the same as over HTTP.
 * Runtime-neutral: each adapter hands these options to its graphql-ws binding
 * (Node: `graphql-ws/use/ws`).
 *
 * Backpressure: graphql-ws awaits each `send` before it pulls the next result,
 * and the frames iterator conflates meanwhile, so a stalled socket holds at
 * most one message in server memory.
 * @module
 */
import { type ExecutionArgs, GraphQLError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { ServercamYoga } from '../schema/yoga.ts';

interface EnvelopedRoot {
  execute(args: ExecutionArgs): ReturnType<NonNullable<ServerOptions['execute']>>;
  subscribe(args: ExecutionArgs): ReturnType<NonNullable<ServerOptions['subscribe']>>;
}

export interface GraphqlWsBinding<E extends Record<PropertyKey, unknown>> {
  readonly options: ServerOptions<Record<string, unknown> | undefined, E>;
  /** Operations running over every open connection (shutdown waits for them to complete). */
  activeOperations(): number;
}

export function graphqlWsBinding<E extends Record<PropertyKey, unknown>>(yoga: ServercamYoga): GraphqlWsBinding<E> {
  const connections = new Set<{ readonly subscriptions: Record<string, unknown> }>();
  const options: ServerOptions<Record<string, unknown> | undefined, E> = {
    onConnect: (ctx) => {
      connections.add(ctx);
      return true;
    },
    onClose: (ctx) => {
      connections.delete(ctx);
    },
    execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
    subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
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
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: root,
      };
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
