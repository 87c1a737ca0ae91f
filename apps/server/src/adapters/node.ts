/**
 * The Node adapter: puts a {@link ServercamApp} on a `node:http` server, with
 * graphql-ws over `ws` on `/graphql` (same port). The only module that knows
 * Node's HTTP and WebSocket types; the rest of the server speaks
 * `Request`/`Response`.
 *
 * Responses are written with backpressure: while a socket's buffer is full the
 * body is not read, so stream bodies (MJPEG, SSE) drop or conflate frames
 * upstream instead of queueing them here.
 * @module
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ServercamApp } from '../app.ts';
import { type HttpStreamStats, type Listener, type ListenOptions, type ServerAdapter, until, type WebSocketStats } from './adapter.ts';
import type { Logger } from '../logger.ts';
import type { UpgradeInfo } from '../security/graphql-ws-guard.ts';
import { tooManyConnectionsRaw } from '../security/limits.ts';
import { pathForLog, requestScope } from '../process-guard.ts';
import { wsFrameWriter } from './ws-frame-writer.ts';
import { quietSendsToGonePeer } from './ws-gone-peer.ts';
import { APP_METHODS, BAD_TARGET, checkRequestHead, clientAddress, clientErrorListener, endSocket, hostForUrl, isRefusal, methodRefusal, scopeOf, writeRefusal } from './edge.ts';

export type NodeListenOptions = ListenOptions;
export type { HttpStreamStats, WebSocketStats };

export interface NodeListener extends Listener {
  readonly server: Server;
}

function toRequest(req: IncomingMessage, res: ServerResponse, url: URL): Request {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers: headersOf(req), signal: controller.signal };
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = requestBody(req);
    init.duplex = 'half';
  }
  return new Request(url, init);
}

/**
 * The request's body as a web stream, read on demand. Unlike
 * `Readable.toWeb`, cancelling it (a body over the size limit) is safe: the
 * rest of the upload is discarded, and the response (sent with
 * `Connection: close`) ends the connection.
 */
function requestBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  const finish = (): void => {
    done = true;
    req.removeAllListeners('data');
    req.resume();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (done) return;
          done = true;
          controller.close();
        });
        req.once('error', (error) => {
          if (done) return;
          done = true;
          controller.error(error);
        });
      },
      pull() {
        if (!done) req.resume();
      },
      cancel: finish,
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/** Waits until the response can take more data; false when it closed instead. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

async function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse, streaming: Set<ServerResponse>): Promise<void> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.push(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push('set-cookie', cookie);
  res.writeHead(response.status, response.statusText || undefined, headers);
  const body = response.body;
  if (!body || req.method === 'HEAD') {
    res.end();
    await body?.cancel().catch(() => {});
    return;
  }
  res.flushHeaders();
  const reader = body.getReader();
  const cancel = (): void => void reader.cancel().catch(() => {});
  res.once('close', cancel);
  streaming.add(res);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value) && !(await drained(res))) return;
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    streaming.delete(res);
    res.off('close', cancel);
    if (!res.writableFinished) cancel();
  }
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1]!);
  }
  return headers;
}

/** Serves `app` on `host:port` (port 0: any free port). */
export async function listenNode(app: ServercamApp, options: NodeListenOptions, logger: Logger): Promise<NodeListener> {
  const log = logger.child({ component: 'http' });
  let origin = `http://${hostForUrl(options.host)}:${options.port}`;
  const sockets = new Set<Socket>();
  const streaming = new Set<ServerResponse>();

  // 16 KiB write buffers, as Node 20 has by default (Node 22+ has 64 KiB): a stalled
  // MJPEG or SSE client then holds about one part, whatever the Node version.
  const server = createServer({ highWaterMark: 16 * 1024 }, (req, res) => {
    requestScope.run(scopeOf('request', req, req.socket), () => {
      let request: Request;
      try {
        // The edge first (bad target 400, oversized header 431, unserved method 405): nothing below sees such a request.
        const verdict = checkRequestHead(req, origin, APP_METHODS);
        if (isRefusal(verdict)) {
          writeRefusal(res, verdict);
          return;
        }
        request = toRequest(req, res, verdict.url);
      } catch (error) {
        log.warn({ err: error, method: req.method, path: pathForLog(req.url) }, 'request refused: it cannot be read');
        writeRefusal(res, BAD_TARGET);
        return;
      }
      app
        .fetch(request, { address: clientAddress(req.socket) })
        .then((response) => writeResponse(response, req, res, streaming))
        .catch((error: unknown) => {
          log.error({ err: error, method: req.method, path: pathForLog(req.url) }, 'request failed');
          try {
            if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"Internal server error"}');
            else res.destroy();
          } catch {
            res.destroy();
          }
        });
    });
  });
  server.on('clientError', clientErrorListener(APP_METHODS));
  // CONNECT (a proxy's tunnel): not served. Without this listener Node would drop the connection unanswered.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    requestScope.run(scopeOf('connect', req, socket), () => endSocket(socket, 405, methodRefusal(APP_METHODS)));
  });
  const connections = app.security.connections;
  server.on('connection', (socket: Socket) => {
    const address = clientAddress(socket);
    if (!connections.tryOpen(address)) {
      log.warn({ address }, 'connection refused: too many connections from this address (twice limits.maxConnectionsPerAddress)');
      socket.end(tooManyConnectionsRaw(connections.limit));
      socket.destroySoon();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      connections.close(address);
    });
  });

  // The caller and address of each WebSocket's upgrade request, for the graphql-ws connection checks.
  const upgrades = new WeakMap<IncomingMessage, UpgradeInfo>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: app.security.limits.maxBodyBytes });
  const binding = app.graphqlWs<{ socket: WebSocket; request: IncomingMessage }>({
    upgrade: (extra) => upgrades.get(extra.request) ?? { principal: undefined, address: clientAddress(extra.request.socket) },
    close: (extra, code, reason) => extra.socket.close(code, reason),
    frameWriter: (extra) => wsFrameWriter(extra.socket),
  });
  const graphqlWs = useServer(binding.options, wss, options.keepAliveMs ?? 12_000);
  const upgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    // Node has removed its own error listener from an upgraded socket: a peer that resets must not throw.
    socket.on('error', () => socket.destroy());
    const verdict = checkRequestHead(req, origin, ['GET']);
    if (isRefusal(verdict)) {
      endSocket(socket, verdict.status, verdict);
      return;
    }
    // The app's policy: Host (421), Origin (403), the address's WebSocket budget (429), the path (404), the caller.
    const decision = app.upgrade(new Request(verdict.url, { headers: headersOf(req) }), { address: clientAddress(socket) });
    if (!decision.ok) {
      socket.end(decision.raw);
      socket.destroySoon();
      return;
    }
    socket.once('close', decision.upgrade.release);
    upgrades.set(req, decision.upgrade);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', quietSendsToGonePeer(ws), req));
  };
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    requestScope.run(scopeOf('upgrade', req, socket), () => {
      try {
        upgrade(req, socket, head);
      } catch (error) {
        log.error({ err: error, path: pathForLog(req.url) }, 'WebSocket upgrade failed');
        endSocket(socket, 500);
      }
    });
  });

  server.listen(options.port, options.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  // Past startup a server error (e.g. EMFILE on accept) is logged; it must not end the process.
  server.on('error', (error) => log.error({ err: error }, 'HTTP server error'));
  const address = server.address() as AddressInfo;
  origin = `http://${hostForUrl(options.host)}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 2000): Promise<void> => {
    closing ??= (async () => {
      const deadline = Date.now() + graceMs;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Subscriptions complete: graphql-ws sends `complete`, SSE and MJPEG bodies end.
      // A client that does not read is not waited for long.
      app.endSubscriptions();
      await until(
        () => binding.activeOperations() === 0 && streaming.size === 0 && [...wss.clients].every((ws) => ws.bufferedAmount === 0),
        graceMs / 2,
      );
      // Then WebSockets close with 1001 (going away); those that do not answer are cut.
      const disposed = Promise.resolve(graphqlWs.dispose()).catch(() => {});
      await until(() => wss.clients.size === 0, Math.max(0, deadline - Date.now() - 200));
      for (const ws of wss.clients) ws.terminate();
      await disposed;
      server.closeIdleConnections();
      await until(() => sockets.size === 0, Math.max(0, deadline - Date.now()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    })();
    return closing;
  };

  return {
    server,
    host: options.host,
    port: address.port,
    webSocketStats: () => {
      let bufferedBytes = 0;
      for (const ws of wss.clients) bufferedBytes += ws.bufferedAmount;
      return { clients: wss.clients.size, bufferedBytes };
    },
    httpStreamStats: () => {
      let bufferedBytes = 0;
      for (const res of streaming) bufferedBytes += res.writableLength;
      return { streaming: streaming.size, bufferedBytes };
    },
    close,
  };
}

/** The `node:http` adapter (the default of `createServer`, and the CLI's under Node). */
export const NODE_ADAPTER: ServerAdapter = { name: 'node:http', description: 'node:http and ws (adapters/node.ts)', listen: listenNode };
