/**
 * The naive baseline: what a plain GraphQL Yoga setup does. The core feeds
 * Yoga's in-memory pub/sub, each subscriber's resolver turns the frame into
 * its GraphQL form (base64 included) and graphql-ws serializes each message,
 * per subscriber. Same schema, same camera, same port layout as servercam.
 * @module
 */
import { Buffer } from 'node:buffer';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Frame, ServerVideoStream } from '@servercam/core';
import { typeDefs } from '@servercam/schema';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

export interface NaiveServer {
  readonly url: string;
  readonly stream: ServerVideoStream;
  close(): Promise<void>;
}

export async function startNaiveServer(source: string, fps: number, quality: number): Promise<NaiveServer> {
  const stream = new ServerVideoStream({ cameras: [{ id: 'cam', source }], fps, quality });
  await stream.start();
  const pubsub = createPubSub<{ frames: [Frame] }>();
  const off = stream.subscribe({}, (frame) => pubsub.publish('frames', frame));
  const yoga = createYoga({
    schema: createSchema({
      typeDefs,
      resolvers: {
        Subscription: {
          frames: {
            subscribe: () => pubsub.subscribe('frames'),
            resolve: (frame: Frame) => ({
              cameraId: frame.cameraId,
              seq: frame.seq,
              capturedAt: new Date(frame.capturedAt).toISOString(),
              width: frame.width,
              height: frame.height,
              mimeType: frame.mimeType,
              data: Buffer.from(frame.data).toString('base64'),
            }),
          },
        },
      },
    }),
    graphqlEndpoint: '/graphql',
    graphiql: false,
    logging: false,
  });
  const server: Server = createServer(yoga);
  const wss = new WebSocketServer({ server, path: '/graphql' });
  // Yoga's documented graphql-ws recipe.
  const graphqlWs = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, params });
        const document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const root: EnvelopedRoot = { execute, subscribe };
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: root,
        };
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stream,
    close: async () => {
      off();
      await graphqlWs.dispose();
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stream.close();
    },
  };
}
