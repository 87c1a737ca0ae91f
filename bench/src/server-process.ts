/**
 * A server under test, in a process of its own so that its CPU time can be
 * read from /proc alone: servercam (`createServer`), the naive baseline, or a
 * role of the scale-out scenario meeting on Redis (a capture node,
 * `CaptureServer`, or a gateway, `createGateway`). Forked by the harness;
 * reports `ready` with its URL, answers `stats`, `pause` and `close` over IPC.
 * @module
 */
import type { CameraStats, StreamSettingsPatch } from '@servercam/core';
import { CaptureServer, createGateway, createServer, silentLogger } from '@servercam/server';
import type { FromServer, ServerSpec, ToServer } from './messages.ts';
import { startNaiveServer } from './naive-server.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;

function send(message: FromServer): void {
  process.send?.(message);
}

/** What the benchmark needs of a running server. */
interface Running {
  readonly url: string;
  /** The server's stream: a ServerVideoStream, or the server's frame bus. */
  readonly stream: {
    stats(): Promise<CameraStats[]>;
    update(patch: StreamSettingsPatch): unknown;
    subscribe(request: { cameraId: string; background: boolean }, listener: () => void): () => void;
  };
  framesDropped(): number;
  close(): Promise<void>;
}

const cameras = [{ id: 'cam', label: 'Bench', source: spec.source }];
// Every load client comes from 127.0.0.1: lift the per-address connection limit (issue 6).
const limits = { maxConnectionsPerAddress: 100_000 };

async function start(): Promise<Running> {
  switch (spec.kind) {
    case 'naive': {
      const naive = await startNaiveServer(spec.source, spec.fps, spec.quality);
      return { url: naive.url, stream: naive.stream, framesDropped: () => 0, close: () => naive.close() };
    }
    case 'servercam': {
      const server = createServer({ cameras, fps: spec.fps, quality: spec.quality, host: '127.0.0.1', port: 0, uiDir: spec.uiDir ?? false, logger: silentLogger(), limits });
      const { url } = await server.listen();
      const dropped = (): number => server.stats().subscriptions.framesDropped + server.stats().mjpeg.partsDropped;
      return { url, stream: server.stream, framesDropped: dropped, close: () => server.close(1000) };
    }
    case 'capture': {
      const capture = new CaptureServer({ redisUrl: spec.redisUrl, cameras, fps: spec.fps, quality: spec.quality, isolation: 'worker', port: 0, logger: silentLogger() });
      const { url } = await capture.listen();
      return { url, stream: capture.stream, framesDropped: () => capture.node.stats().framesDropped, close: () => capture.close() };
    }
    case 'gateway': {
      const gateway = createGateway({ redisUrl: spec.redisUrl, host: '127.0.0.1', port: 0, uiDir: false, logger: silentLogger(), limits });
      const { url } = await gateway.listen();
      const dropped = (): number => gateway.stats().subscriptions.framesDropped + gateway.stats().mjpeg.partsDropped;
      return { url, stream: gateway.stream, framesDropped: dropped, close: () => gateway.close(1000) };
    }
  }
}

const server = await start();
send({ type: 'ready', url: server.url });
let letGoOfFull: (() => void) | undefined;

process.on('message', (message: ToServer) => {
  if (message.type === 'stats') {
    void server.stream.stats().then((cameras) => send({ type: 'stats', rss: process.memoryUsage().rss, cameras, framesDropped: server.framesDropped() }));
  } else if (message.type === 'pause') {
    void Promise.resolve(server.stream.update({ paused: message.paused })).catch(() => {});
  } else if (message.type === 'hold-full') {
    letGoOfFull?.();
    letGoOfFull = message.hold ? server.stream.subscribe({ cameraId: 'cam', background: true }, () => {}) : undefined;
  } else if (message.type === 'close') {
    void server.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => void server.close().finally(() => process.exit(0)));
