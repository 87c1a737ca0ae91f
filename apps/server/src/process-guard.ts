/**
 * The last line of defence of the server roles (`servercam serve`, `gateway`,
 * `capture`; installed by the CLI only, never by an embedding app).
 *
 * The first line is that no handler can throw: the HTTP edge refuses bad
 * heads with a 4xx (adapters/edge.ts), each handler catches its own errors and
 * answers 500 or closes its connection. This guard is for what still escapes
 * (a bug), and it tells two cases apart by the async context the error
 * surfaced in, which Node keeps for `uncaughtException` (the throwing
 * callback's) and `unhandledRejection` (the promise's):
 *
 * - **inside a request** (the adapters run each request, upgrade and CONNECT in
 *   {@link requestScope}, and every timer, promise or stream callback it starts
 *   inherits it): logged at `error` with the method, path and client, that
 *   request's connection is destroyed (its client gets no half answer and its
 *   resources go), and the process goes on. One request cannot kill the server.
 * - **outside any request** (the capture loop, the Redis bus, a timer of the
 *   server's own): logged at `fatal` and the process exits with code 1. That is
 *   a crash, and the state it left is unknown: it is not absorbed silently, a
 *   supervisor (systemd, Docker, Kubernetes) restarts the process.
 *
 * Attribution is causal, so it has two limits. Work a request hands to an
 * object that outlives it runs in that object's context: a WebSocket's
 * messages run in its socket's (created before any request), and graphql-ws
 * catches their errors itself. And a shared object a request happens to
 * create first (a camera's resized variant, say) keeps that request's scope:
 * an error in it is logged as that request's and ends that connection, not
 * the process; the log line says which request.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.ts';
import { SHARE_PATH } from './access/share-links.ts';

/** The request an error belongs to. */
export interface RequestScope {
  readonly kind: 'request' | 'upgrade' | 'connect';
  readonly method: string | undefined;
  /** The request target's path, without the query (which may hold a secret), at most 256 characters. */
  readonly path: string;
  readonly address: string;
  /** Ends the request's connection. */
  abort(): void;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** The path of a raw request target, for logs: no query, no share link's token (`/share/***`), bounded. */
export function pathForLog(target: string | undefined): string {
  const raw = target ?? '';
  const query = raw.indexOf('?');
  let path = query < 0 ? raw : raw.slice(0, query);
  if (path.startsWith(SHARE_PATH)) path = `${SHARE_PATH}***`;
  return path.length > 256 ? `${path.slice(0, 256)}…` : path;
}

export interface ProcessGuard {
  /** Errors that escaped a request and were absorbed (their connection closed). */
  readonly requestErrors: number;
  /** Removes the guard's listeners. */
  uninstall(): void;
}

/**
 * Installs the guard on this process. `exit` is how it ends the process for
 * an error outside any request (default `process.exit`).
 */
export function installProcessGuard(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): ProcessGuard {
  const log = logger.child({ component: 'process' });
  let requestErrors = 0;
  const onError = (error: unknown, origin: 'uncaughtException' | 'unhandledRejection'): void => {
    const scope = requestScope.getStore();
    if (scope) {
      requestErrors++;
      log.error(
        { err: error, origin, kind: scope.kind, method: scope.method, path: scope.path, address: scope.address },
        `a ${scope.kind} failed (${origin}): its connection is closed and the server goes on`,
      );
      try {
        scope.abort();
      } catch {
        // The connection is already gone.
      }
      return;
    }
    log.fatal({ err: error, origin }, `${origin} outside any request: exiting, the process state is unknown (a bug: please report it)`);
    exit(1);
  };
  const onException = (error: Error, origin: NodeJS.UncaughtExceptionOrigin): void => onError(error, origin);
  const onRejection = (reason: unknown): void => onError(reason, 'unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    get requestErrors() {
      return requestErrors;
    },
    uninstall: () => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
