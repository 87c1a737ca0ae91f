/**
 * The types between a `ServercamApp` (app.ts) and its runtime adapters: who is
 * calling, the decision on a WebSocket upgrade, the graphql-ws hooks, and the
 * app's stats.
 * @module
 */
import type { SerializationCounts } from './frames/serialize.ts';
import type { UpgradeInfo, WsGuardHooks } from './security/graphql-ws-guard.ts';
import type { RefusedUpgrade } from './security/upgrade-refusal.ts';
import type { SubscriptionStats } from './subscriptions.ts';
import type { FrameWriter } from './transports/fast-frames.ts';
import type { GraphqlWsFrameStats } from './transports/graphql-ws.ts';
import type { MjpegStats } from './transports/mjpeg.ts';
import type { Mp4Stats } from './transports/mp4.ts';

/** Who is calling an HTTP route: the adapter knows the socket's peer. */
export interface ClientInfo {
  /** The socket peer's address; X-Forwarded-For replaces it only when this is a trusted proxy. */
  readonly address: string;
}

export interface AppStats {
  readonly subscriptions: SubscriptionStats;
  readonly mjpeg: MjpegStats;
  /** `stream.mp4` clients and the chunks muxed for them. */
  readonly mp4: Mp4Stats;
  /** Serializations made by this app, per kind: once per frame and variant, not per subscriber. */
  readonly serializations: SerializationCounts;
  /** `frames` subscriptions over graphql-ws since start: the fast path, or the normal one for a socket without a frame writer. */
  readonly graphqlWsFrames: GraphqlWsFrameStats;
  /** `video` subscriptions over graphql-ws since start, by path, like `graphqlWsFrames`. */
  readonly graphqlWsVideo: GraphqlWsFrameStats;
}

/**
 * The app's decision on a WebSocket upgrade (`ServercamApp.upgrade`).
 * Accepted: the connection's caller and address for the graphql-ws checks, and
 * `release`, which the adapter calls when the socket closes (it frees the
 * address's WebSocket slot). Refused: the HTTP answer, as raw bytes for an
 * adapter that writes the socket itself, or as a Response.
 */
export type UpgradeDecision =
  | { readonly ok: true; readonly upgrade: UpgradeInfo & { release(): void } }
  | RefusedUpgrade;

/** What a runtime adapter tells the app's graphql-ws binding about each connection (`extra`). */
export interface GraphqlWsHooks<E> extends WsGuardHooks<E> {
  /** The connection's frame writer (transports/fast-frames.ts), when the runtime has one. */
  frameWriter?: ((extra: E) => FrameWriter | undefined) | undefined;
}
