/**
 * Real media for tests, made by ffmpeg: video files, and MJPEG-over-HTTP
 * sources that can be stopped and restarted, or made to stall.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { requireMediaTool } from '../../src/media-tools.ts';
import { videoMaker } from '../../../testing/src/video.ts';

/** ffmpeg or ffprobe, as the product resolves them (system, else the npm-shipped one). */
export const mediaTool = (tool: 'ffmpeg' | 'ffprobe'): string => requireMediaTool(tool).path;

const dir = mkdtempSync(join(tmpdir(), 'servercam-media-'));

/**
 * `makeVideo` / `makeMotionVideo` and `jpegSize` are the test kit's, imported
 * by path from its node-only modules: the core's tests may not depend on
 * @servercam/testing (which depends on the core).
 */
export const { makeVideo, makeMotionVideo } = videoMaker(() => mediaTool('ffmpeg'), () => dir);
export { jpegSize } from '../../../testing/src/jpeg.ts';

export function tempPath(name: string): string {
  return join(dir, name);
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A real MJPEG-over-HTTP camera, as cheap IP cameras are: ffmpeg encodes its
 * moving test pattern to JPEGs, and an HTTP server on 127.0.0.1:PORT sends
 * them as multipart/x-mixed-replace to every client. `stop()` kills ffmpeg
 * and closes the port (the camera is gone); `start()` brings both back.
 */
export class FfmpegMjpegServer {
  readonly url: string;
  readonly port: number;
  #ffmpeg: ChildProcess | undefined;
  #server: Server | undefined;
  readonly #clients = new Set<import('node:http').ServerResponse>();
  readonly #sockets = new Set<import('node:net').Socket>();
  readonly #authorization: string | undefined;
  /** The `Authorization` header of each request, in order (Basic-auth servers only). */
  readonly authorizations: Array<string | undefined> = [];

  /** With `basicAuth`, a request without those credentials gets 401 and `WWW-Authenticate: Basic`, as IP cameras do. */
  constructor(port: number, basicAuth?: { username: string; password: string }) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}/`;
    this.#authorization = basicAuth && `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      if (this.#authorization !== undefined) {
        this.authorizations.push(req.headers.authorization);
        if (req.headers.authorization !== this.#authorization) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="camera"', 'Content-Type': 'text/plain' });
          res.end('Unauthorized\n');
          return;
        }
      }
      res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace;boundary=ffmpeg', 'Cache-Control': 'no-store' });
      this.#clients.add(res);
      res.on('close', () => this.#clients.delete(res));
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
    const ffmpeg = spawn(mediaTool('ffmpeg'), [
      '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15',
      '-c:v', 'mjpeg', '-q:v', '5', '-f', 'mjpeg', 'pipe:1',
    ], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.#ffmpeg = ffmpeg;
    let pending = Buffer.alloc(0);
    ffmpeg.stdout!.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const start = pending.indexOf(JPEG_SOI);
        const end = start < 0 ? -1 : pending.indexOf(JPEG_EOI, start + 2);
        if (end < 0) break;
        const jpeg = pending.subarray(start, end + 2);
        pending = pending.subarray(end + 2);
        const head = `--ffmpeg\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`;
        for (const client of this.#clients) client.write(Buffer.concat([Buffer.from(head), jpeg, Buffer.from('\r\n')]));
      }
    });
  }

  async stop(): Promise<void> {
    const ffmpeg = this.#ffmpeg;
    this.#ffmpeg = undefined;
    if (ffmpeg && ffmpeg.exitCode === null) {
      const exited = new Promise((resolve) => ffmpeg.once('exit', resolve));
      ffmpeg.kill('SIGKILL');
      await exited;
    }
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const JPEG_SOI = Buffer.from([0xff, 0xd8]);
const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/**
 * An MJPEG-over-HTTP source that sends `frames` good frames and then goes
 * silent, keeping the connection open: the read of a camera on it hangs.
 */
export async function stallingMjpegServer(frames: number): Promise<{ url: string; close(): Promise<void> }> {
  const jpeg = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace;boundary=ffmpeg' });
    for (let i = 0; i < frames; i++) {
      res.write(`--ffmpeg\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
    }
    // …and then nothing more, ever.
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
