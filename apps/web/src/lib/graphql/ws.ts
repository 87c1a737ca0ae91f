/**
 * Subscriptions over graphql-ws on `/graphql`. The socket reconnects with
 * backoff for as long as the page is open, and every subscription made here
 * re-subscribes by itself after the server completes or fails it (for example
 * when the server restarts), so the UI resumes without a reload.
 * @module
 */
import { createClient, type Client } from 'graphql-ws';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.ts';
import type { ConnectionState } from './connection.svelte.ts';
import type { Document } from './document.ts';
import { OperationError, isGraphQLErrorJson } from './errors.ts';

export interface SubscriptionHandlers<TResult> {
  next(data: TResult): void;
  /** An error of this subscription; it is retried after a backoff delay all the same. */
  error?(error: OperationError): void;
}

export interface LiveClientOptions {
  readonly url: string;
  readonly connection: ConnectionState;
  readonly backoff?: BackoffOptions | undefined;
  /** Called each time the socket is up (`reconnected` after a loss): time to (re)fetch queries. */
  readonly onConnected?: ((reconnected: boolean) => void) | undefined;
  /**
   * The server refused the connection's credentials (close code 4401): time to sign in. `reason` is
   * the close reason the server gave (`Access expired`, `Access revoked`, `Signed out`, …).
   */
  readonly onUnauthenticated?: ((reason: string) => void) | undefined;
  /** A ping every so many ms; a missing pong within `pongTimeoutMs` drops the socket. */
  readonly keepAliveMs?: number | undefined;
  readonly pongTimeoutMs?: number | undefined;
  readonly webSocketImpl?: unknown;
  /** Sent as `connectionParams.authorization` (e.g. `Bearer <share token>`); without it the session cookie is the credential. */
  readonly authorization?: string | undefined;
}

/** Unsubscribes; safe to call more than once. */
export type Unsubscribe = () => void;

export class LiveClient {
  readonly #client: Client;
  readonly #backoff: BackoffOptions;
  readonly #connection: ConnectionState;
  #disposed = false;

  constructor(options: LiveClientOptions) {
    const { connection } = options;
    this.#connection = connection;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    const pongTimeoutMs = options.pongTimeoutMs ?? 5_000;
    let socket: WebSocket | null = null;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;
    this.#client = createClient({
      url: options.url,
      lazy: false,
      keepAlive: options.keepAliveMs ?? 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => !this.#disposed,
      retryWait: async (retries) => {
        const delay = backoffDelay(retries, this.#backoff);
        connection.attempt = retries + 1;
        connection.retryAt = Date.now() + delay;
        await new Promise((resolve) => setTimeout(resolve, delay));
        connection.retryAt = null;
      },
      onNonLazyError: (error) => {
        connection.lastError = OperationError.from(error).message;
      },
      ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
      ...(options.authorization ? { connectionParams: { authorization: options.authorization } } : {}),
      on: {
        connecting: () => {
          connection.phase = connection.connectedOnce ? 'reconnecting' : 'connecting';
        },
        connected: (connected) => {
          socket = connected as WebSocket;
          const reconnected = connection.connectedOnce;
          connection.phase = 'connected';
          connection.attempt = 0;
          connection.retryAt = null;
          connection.lastError = null;
          connection.connectedOnce = true;
          options.onConnected?.(reconnected);
        },
        ping: (received) => {
          if (received) return;
          clearTimeout(pongTimer);
          pongTimer = setTimeout(() => {
            if (socket?.readyState === WebSocket.OPEN) socket.close(4408, 'Ping timeout');
          }, pongTimeoutMs);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          socket = null;
          if (this.#disposed) return;
          const closed = event as { code?: unknown; reason?: unknown } | null;
          if (closed?.code === 4401) options.onUnauthenticated?.(typeof closed.reason === 'string' ? closed.reason : '');
          connection.phase = connection.connectedOnce ? 'reconnecting' : 'connecting';
          connection.lastError = OperationError.from(event).message;
        },
      },
    });
  }

  /**
   * Subscribes for as long as the returned function is not called: a
   * subscription the server completes or fails is made again after a backoff delay.
   */
  subscribe<TResult, TVariables>(
    document: Document<TResult, TVariables>,
    variables: TVariables,
    handlers: SubscriptionHandlers<TResult>,
  ): Unsubscribe {
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let current: Unsubscribe = () => {};
    const again = () => {
      if (stopped || this.#disposed) return;
      timer = setTimeout(start, backoffDelay(failures++, this.#backoff));
    };
    const start = () => {
      if (stopped || this.#disposed) return;
      current = this.#client.subscribe<TResult>(
        { query: document.toString(), variables: (variables ?? {}) as Record<string, unknown> },
        {
          next: (result) => {
            if (stopped) return;
            failures = 0;
            if (result.errors?.length) handlers.error?.(OperationError.fromGraphQL(result.errors.filter(isGraphQLErrorJson)));
            if (result.data) handlers.next(result.data);
          },
          error: (error) => {
            if (stopped) return;
            handlers.error?.(OperationError.from(error));
            again();
          },
          complete: again,
        },
      );
    };
    start();
    return () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      current();
    };
  }

  get connection(): ConnectionState {
    return this.#connection;
  }

  /** Closes the socket and every subscription. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      await this.#client.dispose();
    } catch {
      // graphql-ws rejects with the close event when the connection had failed (e.g. 4401): nothing is left to close.
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** The graphql-ws URL of the server that served this page. */
export function graphqlWsUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}
