/**
 * The Deno adapter: puts a {@link ServercamApp} on `Deno.serve`, with
 * graphql-ws over `Deno.upgradeWebSocket` on `/graphql` (same port): Deno's
 * own HTTP and WebSocket, not its `node:http` layer. I/O only, as node.ts:
 * the edge's checks (adapters/edge.ts), then the app's `fetch` or `upgrade`.
 *
 * Deno writes a response body as fast as the connection takes it and reads
 * no further meanwhile, so stream bodies (MJPEG, SSE) drop or conflate
 * frames upstream, as on Node. What Deno does not offer, and Node's adapter
 * has: a hook per TCP connection (so no cap of connections per address below
 * the WebSocket budget, which the app applies), the bytes a response still
 * holds (`httpStreamStats().bufferedBytes` is 0), and a WebSocket message
 * size limit before the message is read (here: checked after, closed with 1009).
 *
 * The Deno API is typed by the small declarations below, and read from
 * `globalThis` when called: Node can load this module, and only Deno runs it.
 * @module
 */
import { handleProtocols, makeServer } from 'graphql-ws';
import type { ServercamApp } from '../app.ts';
import type { Logger } from '../logger.ts';
import { pathForLog, requestScope, type RequestScope } from '../process-guard.ts';
import type { UpgradeInfo } from '../security/graphql-ws-guard.ts';
import type { FrameWriter } from '../transports/fast-frames.ts';
import { type Listener, type ListenOptions, type ServerAdapter, until } from './adapter.ts';
import { type DenoWebSocket, denoFrameWriter, serveGraphqlWs } from './deno-websocket.ts';
import { APP_METHODS, checkRequestHead, type EdgeRefusal, type EdgeRequest, hostForUrl, isRefusal, plainAddress, refusalResponse } from './edge.ts';

interface NetAddr {
  readonly hostname: string;
  readonly port: number;
}

interface HttpServer {
  readonly addr: NetAddr;
  /** Stops accepting; resolves once the requests under way have been answered. */
  shutdown(): Promise<void>;
}

interface ServeInfo {
  readonly remoteAddr: NetAddr;
  /** Settles once the response is sent; rejects when the client left first. */
  readonly completed: Promise<void>;
}

/** The part of the `Deno` namespace used here (lib.deno.d.ts has the whole). */
interface DenoRuntime {
  serve(options: {
    readonly hostname: string;
    readonly port: number;
    readonly onListen: (addr: NetAddr) => void;
    readonly handler: (request: Request, info: ServeInfo) => Response | Promise<Response>;
  }): HttpServer;
  upgradeWebSocket(request: Request, options: { protocol?: string; idleTimeout?: number }): { socket: DenoWebSocket; response: Response };
}

function denoRuntime(): DenoRuntime {
  const runtime = (globalThis as { Deno?: DenoRuntime }).Deno;
  if (!runtime) throw new Error('the Deno.serve adapter runs in Deno only');
  return runtime;
}

/** What the app's graphql-ws binding knows of a connection. */
interface DenoExtra extends Record<PropertyKey, unknown> {
  readonly socket: DenoWebSocket;
  readonly request: Request;
  readonly upgrade: UpgradeInfo;
  readonly frameWriter: FrameWriter;
}

/** A response body on its way out: counted while it lasts, ended by `abort` (shutdown, or an error in its request). */
interface Outgoing {
  abort(): void;
}

/**
 * `body` passed through as Deno pulls it (nothing read ahead: the high-water
 * mark is 0), so the set of bodies under way is known and each can be ended.
 */
function tracked(body: ReadableStream<Uint8Array>, outgoing: Set<Outgoing>): { readonly stream: ReadableStream<Uint8Array>; readonly entry: Outgoing } {
  const reader = body.getReader();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const entry: Outgoing = {
    abort: () => {
      if (!outgoing.delete(entry)) return;
      controller?.error(new Error('response ended by the server'));
      void reader.cancel().catch(() => {});
    },
  };
  outgoing.add(entry);
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        try {
          const { done, value } = await reader.read();
          if (!outgoing.has(entry)) return;
          if (done) {
            outgoing.delete(entry);
            c.close();
          } else {
            c.enqueue(value);
          }
        } catch (error) {
          if (outgoing.delete(entry)) c.error(error);
        }
      },
      cancel(reason) {
        outgoing.delete(entry);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, entry };
}

/** A request's head for the edge's checks: its target, headers (repeats already joined by `Headers`) and method. */
function edgeVerdict(request: Request, origin: string, methods: readonly string[]): EdgeRequest | EdgeRefusal {
  const rawHeaders: string[] = [];
  request.headers.forEach((value, name) => rawHeaders.push(name, value));
  return checkRequestHead({ method: request.method, url: request.url, rawHeaders }, origin, methods);
}

/**
 * The request the app sees: on this server's origin (as the edge resolved
 * it), aborted when the client leaves before the response is sent, as on
 * Node. (Deno's own `request.signal` also aborts after a successful response.)
 */
function appRequest(request: Request, url: URL, info: ServeInfo): Request {
  const controller = new AbortController();
  info.completed.catch(() => controller.abort());
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: request.headers, signal: controller.signal };
  if (request.body) {
    init.body = request.body;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

const INTERNAL_ERROR = (): Response => Response.json({ error: 'Internal server error' }, { status: 500 });

/** Serves `app` on `host:port` (port 0: any free port) with `Deno.serve`. */
export async function listenDeno(app: ServercamApp, options: ListenOptions, logger: Logger): Promise<Listener> {
  const deno = denoRuntime();
  const log = logger.child({ component: 'http' });
  let origin = `http://${hostForUrl(options.host)}:${options.port}`;
  const outgoing = new Set<Outgoing>();
  const sockets = new Set<DenoWebSocket>();
  const binding = app.graphqlWs<DenoExtra>({
    upgrade: (extra) => extra.upgrade,
    close: (extra, code, reason) => extra.socket.close(code, reason),
    frameWriter: (extra) => extra.frameWriter,
  });
  const graphqlWs = makeServer(binding.options);
  // Deno pings after this many idle seconds and drops a client that does not answer.
  const idleTimeout = Math.max(1, Math.round((options.keepAliveMs ?? 12_000) / 1000));

  const upgrade = (request: Request, address: string, scope: { abort: () => void }): Response => {
    const verdict = edgeVerdict(request, origin, ['GET']);
    if (isRefusal(verdict)) return refusalResponse(verdict);
    // The app's policy: Host (421), Origin (403), the address's WebSocket budget (429), the path (404), the caller.
    const decision = app.upgrade(new Request(verdict.url, { headers: request.headers }), { address });
    if (!decision.ok) return decision.response();
    const protocol = handleProtocols(request.headers.get('sec-websocket-protocol') ?? '');
    let upgraded: ReturnType<DenoRuntime['upgradeWebSocket']>;
    try {
      upgraded = deno.upgradeWebSocket(request, protocol ? { protocol, idleTimeout } : { idleTimeout });
    } catch {
      decision.upgrade.release();
      return refusalResponse({ status: 400, code: 'BAD_UPGRADE', message: 'Bad WebSocket upgrade request', close: true });
    }
    const { socket, response } = upgraded;
    sockets.add(socket);
    scope.abort = () => socket.close(1011, 'Internal server error');
    const extra: DenoExtra = { socket, request, upgrade: decision.upgrade, frameWriter: denoFrameWriter(socket) };
    serveGraphqlWs(graphqlWs, socket, extra, {
      protocol: protocol || '',
      maxMessageBytes: app.security.limits.maxBodyBytes,
      onClosed: () => {
        sockets.delete(socket);
        decision.upgrade.release();
      },
      onError: (error) => log.error({ err: error }, 'graphql-ws message handling failed'),
    });
    return response;
  };

  const respond = async (request: Request, info: ServeInfo, address: string, scope: RequestScope): Promise<Response> => {
    // The edge first (bad target 400, oversized header 431, unserved method 405): nothing below sees such a request.
    const verdict = edgeVerdict(request, origin, APP_METHODS);
    if (isRefusal(verdict)) return refusalResponse(verdict);
    let response: Response;
    try {
      response = await app.fetch(appRequest(request, verdict.url, info), { address });
    } catch (error) {
      // The scope's path: redacted like every logged path (pathForLog: no query, no share-link secret).
      log.error({ err: error, method: request.method, path: scope.path }, 'request failed');
      return INTERNAL_ERROR();
    }
    if (!response.body) return response;
    if (request.method === 'HEAD') {
      await response.body.cancel().catch(() => {});
      return new Response(null, response);
    }
    const { stream, entry } = tracked(response.body, outgoing);
    scope.abort = entry.abort;
    return new Response(stream, response);
  };

  const server = deno.serve({
    hostname: options.host,
    port: options.port,
    onListen: () => {},
    handler: (request, info) => {
      const address = plainAddress(info.remoteAddr.hostname);
      const isUpgrade = request.headers.get('upgrade')?.toLowerCase() === 'websocket';
      const scope: RequestScope = {
        kind: isUpgrade ? 'upgrade' : 'request',
        method: request.method,
        path: pathOf(request.url),
        address,
        abort: () => {},
      };
      return requestScope.run(scope, async () => {
        try {
          return isUpgrade ? upgrade(request, address, scope) : await respond(request, info, address, scope);
        } catch (error) {
          log.error({ err: error, method: request.method, path: scope.path }, isUpgrade ? 'WebSocket upgrade failed' : 'request failed');
          return INTERNAL_ERROR();
        }
      });
    },
  });
  origin = `http://${hostForUrl(options.host)}:${server.addr.port}`;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 2000): Promise<void> => {
    closing ??= (async () => {
      const deadline = Date.now() + graceMs;
      // Subscriptions complete: graphql-ws sends `complete`, SSE and MJPEG bodies end.
      app.endSubscriptions();
      await until(() => binding.activeOperations() === 0 && outgoing.size === 0 && [...sockets].every((socket) => socket.bufferedAmount === 0), graceMs / 2);
      // Then WebSockets close with 1001 (going away), as graphql-ws's own `dispose` does.
      for (const socket of sockets) socket.close(1001, 'Going away');
      await until(() => sockets.size === 0, Math.max(0, deadline - Date.now() - 200));
      // Only now: Deno's shutdown also ends the WebSockets, which must first say `complete` and 1001.
      const shutdown = server.shutdown();
      // What is left is cut: bodies end with an error, so Deno drops their connections.
      for (const entry of [...outgoing]) entry.abort();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([shutdown, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    })();
    return closing;
  };

  return {
    host: options.host,
    port: server.addr.port,
    webSocketStats: () => {
      let bufferedBytes = 0;
      for (const socket of sockets) bufferedBytes += socket.bufferedAmount;
      return { clients: sockets.size, bufferedBytes };
    },
    httpStreamStats: () => ({ streaming: outgoing.size, bufferedBytes: 0 }),
    close,
  };
}

/** The path of an absolute URL, for logs: no query, bounded. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return pathForLog(start < 0 ? '/' : url.slice(start));
}

/** The `Deno.serve` adapter (the CLI's under Deno). */
export const DENO_ADAPTER: ServerAdapter = {
  name: 'Deno.serve',
  description: "Deno's own HTTP and WebSocket: Deno.serve and Deno.upgradeWebSocket (adapters/deno.ts)",
  listen: listenDeno,
};
