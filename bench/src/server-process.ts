/**
 * The server under test, in a process of its own so that its CPU time can be
 * read from /proc alone: servercam (`createServer`) or the naive baseline.
 * Forked by the orchestrator; reports `ready` with its URL, answers `stats`,
 * `pause` and `close` over IPC.
 * @module
 */
import type { CameraStats, StreamSettingsPatch } from '@servercam/core';
import { createServer, silentLogger } from '@servercam/server';
import type { FromServer, ServerSpec, ToServer } from './messages.ts';
import { startNaiveServer } from './naive-server.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;

function send(message: FromServer): void {
  process.send?.(message);
}

/** What the benchmark needs of the server's stream (a ServerVideoStream, or the server's frame bus). */
let stream: { stats(): Promise<CameraStats[]>; update(patch: StreamSettingsPatch): unknown };
let framesDropped: () => number;
let close: () => Promise<void>;
if (spec.kind === 'naive') {
  const naive = await startNaiveServer(spec.source, spec.fps, spec.quality);
  stream = naive.stream;
  framesDropped = () => 0;
  close = () => naive.close();
  send({ type: 'ready', url: naive.url });
} else {
  const options = {
    cameras: [{ id: 'cam', label: 'Bench', source: spec.source }],
    fps: spec.fps,
    quality: spec.quality,
    host: '127.0.0.1',
    port: 0,
    uiDir: false as const,
    logger: silentLogger(),
    // Every load client comes from 127.0.0.1: lift the per-address connection limit (issue 6).
    limits: { maxConnectionsPerAddress: 100_000 },
  };
  const server = createServer(options);
  const { url } = await server.listen();
  stream = server.stream;
  framesDropped = () => server.stats().subscriptions.framesDropped + server.stats().mjpeg.partsDropped;
  close = () => server.close(1000);
  send({ type: 'ready', url });
}

process.on('message', (message: ToServer) => {
  if (message.type === 'stats') {
    void stream.stats().then((cameras) => send({ type: 'stats', rss: process.memoryUsage().rss, cameras, framesDropped: framesDropped() }));
  } else if (message.type === 'pause') {
    void Promise.resolve(stream.update({ paused: message.paused })).catch(() => {});
  } else if (message.type === 'close') {
    void close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => void close().finally(() => process.exit(0)));
