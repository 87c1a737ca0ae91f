/**
 * The transports' seams: each app counts its own serializations, and a
 * runtime adapter that supplies no frame writer still gets `frames` over
 * graphql-ws, on the normal path, counted.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, afterEach, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { ServercamApp, silentLogger } from '../src/index.ts';
import type { UpgradeInfo } from '../src/security/graphql-ws-guard.ts';
import { closeAll, next, openMjpeg, mjpegParts, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';

const FRAMES = 'subscription { frames { seq } }';
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterEach(async () => {
  await closeAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(closeAll);

it('each app in one process reports only its own serializations', async () => {
  const a = await startServer({ fps: 15, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
  const b = await startServer({ fps: 15, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
  const frames = wsSubscribe<{ frames: { seq: number } }>(wsClient(a.wsUrl), FRAMES);
  await next(frames);
  await next(frames);
  const parts = mjpegParts(await openMjpeg(`${b.url}/cameras/cam/stream.mjpeg`));
  await next(parts);
  await next(parts);
  await frames.return!();
  await parts.return(undefined);
  const ofA = a.server.app.stats().serializations;
  const ofB = b.server.app.stats().serializations;
  expect(ofA.graphqlFrames).toBeGreaterThan(0);
  expect(ofA.mjpegParts).toBe(0);
  expect(ofB.mjpegParts).toBeGreaterThan(0);
  expect(ofB.graphqlFrames).toBe(0);
});

it("the Node adapter's sockets take the fast path, counted", async () => {
  const running = await startServer({ fps: 15, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
  const frames = wsSubscribe<{ frames: { seq: number } }>(wsClient(running.wsUrl), FRAMES);
  await next(frames);
  await frames.return!();
  expect(running.server.app.stats().graphqlWsFrames).toEqual({ fastPath: 1, normalPath: 0 });
});

/** A minimal adapter on node:http + ws that uses the app's policy but supplies no frame writer. */
async function listenWithoutFrameWriter(app: ServercamApp): Promise<{ wsUrl: string; server: Server }> {
  const wss = new WebSocketServer({ noServer: true });
  const upgrades = new WeakMap<IncomingMessage, UpgradeInfo>();
  const binding = app.graphqlWs<{ socket: WebSocket; request: IncomingMessage }>({
    upgrade: (extra) => upgrades.get(extra.request) ?? { principal: undefined, address: 'unknown' },
    close: (extra, code, reason) => extra.socket.close(code, reason),
  });
  const disposable = useServer(binding.options, wss);
  const server = createHttpServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const decision = app.upgrade(new Request(`http://${req.headers.host}${req.url}`, { headers }), { address: socket.remoteAddress ?? 'unknown' });
    if (!decision.ok) {
      socket.end(decision.raw);
      return;
    }
    socket.once('close', decision.upgrade.release);
    upgrades.set(req, decision.upgrade);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    await disposable.dispose();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

it('a socket without a frame writer still gets frames, on the normal path, counted', async () => {
  const app = new ServercamApp({ logger: silentLogger(), uiDir: false, fps: 15, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
  cleanups.push(() => app.close());
  await app.start();
  const { wsUrl } = await listenWithoutFrameWriter(app);
  const frames = wsSubscribe<{ frames: { seq: number } }>(wsClient(wsUrl), FRAMES);
  const first = await next(frames);
  const second = await next(frames);
  await frames.return!();
  expect(first.errors).toBeUndefined();
  expect(second.data!.frames.seq).toBeGreaterThan(first.data!.frames.seq);
  expect(app.stats().graphqlWsFrames).toEqual({ fastPath: 0, normalPath: 1 });
  await until(() => app.subscriptions.stats().frames === 0, 'the subscription to end');
});
