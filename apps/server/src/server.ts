/**
 * `createServer`: the servercam app on a runtime adapter (Node's HTTP server
 * unless told otherwise), the API that the CLI and the tests use.
 *
 * @example
 * ```ts
 * import { createServer } from '@servercam/server';
 *
 * await using server = createServer({ cameras: [{ id: 'desk', source: 0 }], port: 4000 });
 * const { url } = await server.listen();
 * console.log(`GraphiQL at ${url}/graphql`);
 * ```
 * @module
 */
import { type AppOptions, type AppStats, ServercamApp } from './app.ts';
import type { HttpStreamStats, Listener, ServerAdapter, WebSocketStats } from './adapters/adapter.ts';
import { NODE_ADAPTER } from './adapters/node.ts';
import { configDefault } from './config-schema.ts';
import { checkExposure } from './security/index.ts';

/** The address and port `listen()` uses when given none: the config's defaults (config-schema.ts). */
export const DEFAULT_HOST = configDefault('host')!;
export const DEFAULT_PORT = configDefault('port')!;

export interface ServerOptions extends AppOptions {
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** Default 4000; 0 picks a free port. */
  readonly port?: number | undefined;
  /** WebSocket keep-alive ping interval (ms, default 12 000). */
  readonly keepAliveMs?: number | undefined;
  /** Listen beyond loopback with no token configured (refused otherwise). */
  readonly insecureNoAuth?: boolean | undefined;
  /**
   * What puts the app on a port: `node:http` by default; the CLI passes the
   * runtime's own (`Deno.serve` under Deno: adapters/adapter.ts `runtimeAdapter`).
   */
  readonly adapter?: ServerAdapter | undefined;
}

export interface ListenInfo {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, with no trailing slash. */
  readonly url: string;
}

export interface ServerStats extends AppStats {
  readonly webSockets: WebSocketStats;
  readonly httpStreams: HttpStreamStats;
}

export class Servercam implements AsyncDisposable {
  readonly app: ServercamApp;
  readonly #options: ServerOptions;
  #listener: Listener | undefined;
  #listening: Promise<ListenInfo> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ServerOptions = {}) {
    this.#options = options;
    this.app = new ServercamApp(options);
  }

  get stream(): ServercamApp['stream'] {
    return this.app.stream;
  }

  get yoga(): ServercamApp['yoga'] {
    return this.app.yoga;
  }

  /** Handles a request in process, with no socket (tests, embedding). */
  fetch(request: Request): Promise<Response> {
    return this.app.fetch(request);
  }

  /** The address, once listening. */
  get address(): ListenInfo | undefined {
    const listener = this.#listener;
    if (!listener) return undefined;
    const host = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
    return { host: listener.host, port: listener.port, url: `http://${host}:${listener.port}` };
  }

  /** Starts the capture and listens. */
  listen(port = this.#options.port ?? DEFAULT_PORT, host = this.#options.host ?? DEFAULT_HOST): Promise<ListenInfo> {
    if (this.#closing) return Promise.reject(new Error('This server is closed'));
    this.#listening ??= (async () => {
      checkExposure(host, this.app.security.auth.enabled, this.#options.insecureNoAuth === true);
      // The Host allowlist: the bound address (every address, for a wildcard bind) besides loopback and allowedHosts.
      this.app.security.hosts.bind(host);
      // Listen first: a taken port fails fast, before any camera is opened.
      this.#listener = await (this.#options.adapter ?? NODE_ADAPTER).listen(this.app, { host, port, keepAliveMs: this.#options.keepAliveMs }, this.app.logger);
      await this.app.start();
      return this.address!;
    })();
    return this.#listening;
  }

  stats(): ServerStats {
    return {
      ...this.app.stats(),
      webSockets: this.#listener?.webSocketStats() ?? { clients: 0, bufferedBytes: 0 },
      httpStreams: this.#listener?.httpStreamStats() ?? { streaming: 0, bufferedBytes: 0 },
    };
  }

  /**
   * Graceful shutdown: subscriptions complete, connections close, cameras are
   * released. Bounded: about `graceMs` (default 2000) plus the camera release.
   */
  close(graceMs?: number): Promise<void> {
    this.#closing ??= (async () => {
      await this.#listening?.catch(() => {});
      await this.#listener?.close(graceMs);
      await this.app.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export function createServer(options: ServerOptions = {}): Servercam {
  return new Servercam(options);
}
