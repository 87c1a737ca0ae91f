/**
 * The read watchdog, as the server reports it: a network camera that
 * connects and then sends nothing goes to ERROR / CANNOT_READ_CAMERA over
 * GraphQL and graphql-ws, `/healthz` says `degraded`, and the other camera
 * keeps streaming. Capture runs in the supervised child process, as `serve` does.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeAll, collectFor, httpRequest, next, type Running, startServer, wsClient, wsSubscribe } from './helpers/clients.ts';
import { describeOpenCv } from './helpers/opencv.ts';

/** An HTTP MJPEG source that sends a few frames, then nothing more, ever. */
async function stallingSource(frames: number): Promise<{ url: string; close(): Promise<void> }> {
  const jpeg = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const server: Server = createServer((_req, res) => {
    held.add(res);
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace;boundary=ffmpeg' });
    for (let i = 0; i < frames; i++) res.write(`--ffmpeg\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n${jpeg.toString('latin1')}\r\n`, 'latin1');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describeOpenCv('the read watchdog', () => {
  let running: Running;
  let source: Awaited<ReturnType<typeof stallingSource>>;

  beforeAll(async () => {
    source = await stallingSource(30);
    running = await startServer({
      isolation: 'process',
      cameras: [
        { id: 'fine', source: 'synthetic:160x120@15' },
        { id: 'stuck', source: source.url },
      ],
      tuning: { readTimeoutMs: 1000, reconnectMinMs: 200, reconnectMaxMs: 1000 },
    });
  });
  afterAll(async () => {
    await closeAll();
    await source.close();
  });

  it('reports a stalled source as ERROR / CANNOT_READ_CAMERA while the other camera streams', async () => {
    const client = wsClient(running.wsUrl);
    const statuses = wsSubscribe<{ cameraStatus: { id: string; status: string; error: { code: string; message: string } | null } }>(
      client,
      'subscription { cameraStatus { id status error { code message } } }',
    );
    // Someone watches the stuck camera, so capture reads it.
    const watching = wsSubscribe<{ frames: { seq: number } }>(client, 'subscription { frames(cameraId: "stuck", maxWidth: 80) { seq } }');
    void watching.next().catch(() => {});
    let error: { code: string; message: string } | null = null;
    while (!error) {
      const { cameraStatus } = (await next(statuses, 20_000, 'the stuck camera in error')).data!;
      if (cameraStatus.id === 'stuck' && cameraStatus.status === 'ERROR') error = cameraStatus.error;
    }
    expect(error.code).toBe('CANNOT_READ_CAMERA');
    expect(error.message).toMatch(/stalled|no frame/i);

    const listed = await httpRequest<{ camera: { status: string; error: { code: string } } }>(running.url, '{ camera(id: "stuck") { status error { code } } }');
    expect(listed.data?.camera.error.code).toBe('CANNOT_READ_CAMERA');
    const health = (await (await fetch(`${running.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('degraded');

    const fine = await collectFor(wsSubscribe<{ frames: { seq: number } }>(client, 'subscription { frames(cameraId: "fine", maxWidth: 80) { seq } }'), 1500);
    expect(fine.length).toBeGreaterThan(5);
  });
});
