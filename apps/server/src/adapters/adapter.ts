/**
 * What a runtime adapter is: something that puts a {@link ServercamApp} on a
 * port (HTTP plus graphql-ws on `/graphql`) and takes it off again. Every
 * decision is the app's (`fetch`, `upgrade`, `graphqlWs`); an adapter does
 * I/O only. Two exist: `node:http` + `ws` (node.ts) and `Deno.serve` +
 * `Deno.upgradeWebSocket` (deno.ts); {@link runtimeAdapter} picks the one of
 * the runtime the process runs in.
 * @module
 */
import type { ServercamApp } from '../app.ts';
import type { Logger } from '../logger.ts';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** Interval of the WebSocket keep-alive pings (ms, default 12 000); a client that misses one is dropped. */
  readonly keepAliveMs?: number | undefined;
}

export interface WebSocketStats {
  readonly clients: number;
  /** Bytes accepted for sending but not yet handed to the kernel, over all WebSocket clients. */
  readonly bufferedBytes: number;
}

export interface HttpStreamStats {
  /** Responses whose body is still being written (MJPEG, SSE). */
  readonly streaming: number;
  /** Bytes accepted for sending but not yet handed to the kernel, over those responses (0 where the runtime does not tell). */
  readonly bufferedBytes: number;
}

/** A listening adapter. */
export interface Listener {
  readonly host: string;
  readonly port: number;
  webSocketStats(): WebSocketStats;
  httpStreamStats(): HttpStreamStats;
  /**
   * Graceful: stops accepting, completes every subscription (clients get
   * `complete`, streams end), closes WebSockets with 1001, then ends what is
   * left. Bounded by `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ServerAdapter {
  /** For logs: `node:http` or `Deno.serve`. */
  readonly name: string;
  /** For the log line saying which adapter runs. */
  readonly description: string;
  /** Serves `app` on `options.host:options.port` (port 0: any free port). */
  listen(app: ServercamApp, options: ListenOptions, logger: Logger): Promise<Listener>;
}

/** Whether this process runs in Deno. */
export function isDeno(): boolean {
  return 'Deno' in globalThis;
}

/**
 * The adapter of the runtime this process runs in: `Deno.serve` under Deno,
 * `node:http` elsewhere. Each is loaded only when chosen.
 */
export async function runtimeAdapter(): Promise<ServerAdapter> {
  if (isDeno()) return (await import('./deno.ts')).DENO_ADAPTER;
  return (await import('./node.ts')).NODE_ADAPTER;
}

/** Polls `condition` every 20 ms until it holds or `ms` pass (an adapter's graceful close). */
export async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
}
