/**
 * The GraphQL Yoga instance: schema, resolvers, masked errors, logging, and
 * GraphiQL served fully offline (inlined by `@graphql-yoga/render-graphiql`)
 * with subscriptions over WebSocket and a ready example operation.
 * @module
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { typeDefs } from '@servercam/schema';
import {
  createSchema,
  createYoga,
  type GraphiQLOptions,
  type Plugin,
  type YogaInitialContext,
  type YogaLogger,
  type YogaServerInstance,
} from 'graphql-yoga';
import type { Logger } from '../logger.ts';
import type { Limits } from '../security/limits.ts';
import { useMutationRateLimit, useOperationLimits, useRoles } from '../security/plugins.ts';
import { useSseFrames } from '../transports/sse-frames.ts';
import type { ServerContext } from './context.ts';
import { useBadParamsAs400 } from './request-params.ts';
import { resolvers } from './resolvers.ts';

export const GRAPHQL_PATH = '/graphql';

/** The operations GraphiQL opens with: press ▶ and pick one. */
export const EXAMPLE_OPERATIONS = `# servercam: press ▶ and pick an operation.
# Frames arrive about twice a second here (maxFps: 2); data is the JPEG in base64.
subscription LiveFrames {
  frames(maxWidth: 96, maxFps: 2) {
    cameraId
    seq
    capturedAt
    width
    height
    mimeType
    data
  }
}

query CamerasAndSettings {
  cameras {
    id
    label
    status
    error { code message at }
    width
    height
    measuredFps
    viewers
  }
  stream { paused fps activeCameraId quality }
}

mutation Pause {
  updateStream(input: { paused: true }) { paused fps activeCameraId quality }
}

mutation Resume {
  updateStream(input: { paused: false }) { paused fps activeCameraId quality }
}

subscription SettingsChanges {
  streamSettings { paused fps activeCameraId quality }
}

subscription CameraStatus {
  cameraStatus { id status measuredFps viewers error { code message } }
}
`;

export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'servercam GraphiQL',
  subscriptionsProtocol: 'WS',
  defaultQuery: EXAMPLE_OPERATIONS,
};

/** GraphiQL inlines its whole bundle (several MB): render each distinct page once. */
function cachedGraphiQL(): (options: GraphiQLOptions) => string {
  const pages = new Map<string, string>();
  return (options) => {
    const key = JSON.stringify(options);
    let page = pages.get(key);
    if (page === undefined) {
      page = renderGraphiQL(options);
      if (pages.size < 4) pages.set(key, page);
    }
    return page;
  };
}

function yogaLogger(logger: Logger): YogaLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      const [first, ...rest] = args;
      if (first instanceof Error) logger[level]({ err: first }, rest.map(String).join(' ') || first.message);
      else logger[level](args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export type ServercamYoga = YogaServerInstance<Record<string, unknown>, ServerContext>;

/**
 * @param allowedOrigins other origins (e.g. a UI dev server) whose pages may
 * call the API; by default only pages served by servercam itself may.
 */
export function createServercamYoga(
  context: ServerContext,
  logger: Logger,
  allowedOrigins: readonly string[],
  limits: Limits,
  plugins: readonly Plugin[] = [],
): ServercamYoga {
  return createYoga<Record<string, unknown>, ServerContext>({
    schema: createSchema<Record<string, unknown> & YogaInitialContext & ServerContext>({ typeDefs, resolvers }),
    graphqlEndpoint: GRAPHQL_PATH,
    context: () => context,
    graphiql: GRAPHIQL_OPTIONS,
    renderGraphiQL: cachedGraphiQL(),
    landingPage: false,
    // No CORS by default: another site's page may not call (or mutate through) the API.
    cors: allowedOrigins.length > 0 ? { origin: [...allowedOrigins], credentials: false } : false,
    logging: yogaLogger(logger.child({ component: 'graphql' })),
    // Unexpected errors reach clients as "Unexpected error." with no stack or path, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    plugins: [useBadParamsAs400(), useOperationLimits(limits), useRoles(), useMutationRateLimit(limits.mutationsPerMinute), useSseFrames(), ...plugins],
  });
}
