/**
 * `@servercam/server`: servercam's HTTP server. GraphQL Yoga with frame
 * subscriptions over graphql-ws and SSE, offline GraphiQL, MJPEG streams,
 * snapshots, the UI's static files, and the `servercam` CLI.
 *
 * @example
 * ```ts
 * import { createServer } from '@servercam/server';
 *
 * await using server = createServer({ cameras: [{ id: 'cam', source: 'synthetic:640x480' }], port: 0 });
 * const { url } = await server.listen();
 * const response = await fetch(`${url}/cameras/cam/snapshot.jpg`);
 * ```
 * @module
 */
export { createServer, DEFAULT_HOST, DEFAULT_PORT, Servercam } from './server.ts';
export type { BusHealth, FrameBus } from './bus/bus.ts';
export { BusUnavailable } from './bus/bus.ts';
export { RedisFrameBus } from './bus/redis-gateway.ts';
export type { RedisGatewayOptions } from './bus/redis-gateway.ts';
export { CaptureNode } from './bus/capture-node.ts';
export { CaptureServer } from './roles/capture.ts';
export type { CaptureServerOptions } from './roles/capture.ts';
export { createGateway } from './roles/gateway.ts';
export type { GatewayOptions } from './roles/gateway.ts';
export type { ListenInfo, ServerOptions, ServerStats } from './server.ts';
export { DEFAULT_CAMERAS, REPO_UI_DIR, ServercamApp } from './app.ts';
export type { AppOptions, AppStats, ClientInfo, GraphqlWsHooks, UpgradeDecision } from './app.ts';
export type { FrameWriter } from './transports/fast-frames.ts';
export { checkExposure, DEFAULT_LIMITS, ExposureError, isLoopbackHost, MIN_TOKEN_LENGTH, Security, TOKEN_ENV } from './security/index.ts';
export type { AuthTokens, Limits, Principal, Role } from './security/index.ts';
export { authorizeConnection, admitSubscription, CLOSE_UNAUTHENTICATED } from './security/graphql-ws-guard.ts';
export { CLOSE_RATE_LIMITED } from './security/failed-auth.ts';
export { loadState, saveState } from './state-file.ts';
export { ConfigError, loadConfigFile, mergeConfig, parseConfig, withEnvTokens } from './config.ts';
export type { ServeConfig } from './config.ts';
export { parseCommandLine, USAGE } from './args.ts';
export { createLogger, silentLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { MJPEG_BOUNDARY, serializationCounts, toGraphQLFrame } from './frames/serialize.ts';
export { EXAMPLE_OPERATIONS, GRAPHQL_PATH } from './schema/yoga.ts';
