/**
 * Real media for tests, made by ffmpeg: video files, and MJPEG-over-HTTP
 * sources that can be stopped and restarted, or made to stall.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { requireMediaTool } from '../../src/media-tools.ts';

/** ffmpeg or ffprobe, as the product resolves them (system, else the npm-shipped one). */
export const mediaTool = (tool: 'ffmpeg' | 'ffprobe'): string => requireMediaTool(tool).path;

const dir = mkdtempSync(join(tmpdir(), 'servercam-media-'));

export interface VideoOptions {
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

/** An H.264 MP4 of ffmpeg's moving test pattern; made once per options and process. */
export function makeVideo({ width, height, fps, seconds }: VideoOptions): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `testsrc-${width}x${height}-${fps}fps-${seconds}s.mp4`);
  if (existsSync(path)) return path;
  const result = spawnSync(mediaTool('ffmpeg'), [
    '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path,
  ], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed to make ${path}: ${result.stderr || result.error?.message}`);
  return path;
}

/**
 * A still scene (static colour bars), and from `moveFrom` to `moveTo` seconds a
 * 60×60 white square (bright: grayscale detection sees it over every bar; a red one vanishes over the red and magenta bars) crossing it at y = 150..210 of 360. Without `moveFrom`, still throughout.
 */
export function makeMotionVideo({ seconds, moveFrom, moveTo }: { seconds: number; moveFrom?: number; moveTo?: number }): string {
  mkdirSync(dir, { recursive: true });
  const moving = moveFrom !== undefined && moveTo !== undefined;
  const path = join(dir, moving ? `motion-white-${moveFrom}-${moveTo}-${seconds}s.mp4` : `still-${seconds}s.mp4`);
  if (existsSync(path)) return path;
  const args = ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `smptebars=s=640x360:r=25:d=${seconds}`];
  if (moving) {
    args.push('-f', 'lavfi', '-i', `color=c=white:s=60x60:r=25:d=${seconds}`, '-filter_complex',
      `[0][1]overlay=x='40+(t-${moveFrom})*${Math.round(500 / (moveTo - moveFrom))}':y=150:enable='between(t,${moveFrom},${moveTo})'`);
  }
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path);
  const result = spawnSync(mediaTool('ffmpeg'), args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed to make ${path}: ${result.stderr}`);
  return path;
}

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

/** Width and height from a JPEG's SOF marker; throws when the bytes are not a JPEG. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG: no SOI marker');
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`not a JPEG: bad marker at ${i}`);
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  throw new Error('not a JPEG: no SOF marker');
}
