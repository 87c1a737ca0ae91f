/**
 * A role of the scale-out scenario in a process of its own (its CPU read from
 * /proc alone): a capture node (`CaptureServer`) or a gateway
 * (`createGateway`), meeting on Redis. Speaks the same IPC as
 * server-process.ts: `ready` with its URL, `stats`, `pause`, `close`.
 * @module
 */
import type { CameraStats, StreamSettingsPatch } from '@servercam/core';
import { CaptureServer, createGateway, silentLogger } from '@servercam/server';
import type { FromServer, ToServer } from './messages.ts';

export interface RoleSpec {
  readonly role: 'capture' | 'gateway';
  readonly redisUrl: string;
  readonly source: string;
  readonly fps: number;
  readonly quality: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as RoleSpec;

function send(message: FromServer): void {
  process.send?.(message);
}

let stream: { stats(): Promise<CameraStats[]>; update(patch: StreamSettingsPatch): unknown };
let framesDropped: () => number;
let close: () => Promise<void>;
if (spec.role === 'capture') {
  const capture = new CaptureServer({
    redisUrl: spec.redisUrl,
    cameras: [{ id: 'cam', label: 'Bench', source: spec.source }],
    fps: spec.fps,
    quality: spec.quality,
    isolation: 'worker',
    port: 0,
    logger: silentLogger(),
  });
  const { url } = await capture.listen();
  stream = capture.stream;
  framesDropped = () => capture.node.stats().framesDropped;
  close = () => capture.close();
  send({ type: 'ready', url });
} else {
  const gateway = createGateway({
    redisUrl: spec.redisUrl,
    host: '127.0.0.1',
    port: 0,
    uiDir: false,
    logger: silentLogger(),
    limits: { maxConnectionsPerAddress: 100_000 },
  });
  const { url } = await gateway.listen();
  stream = gateway.stream;
  framesDropped = () => gateway.stats().subscriptions.framesDropped + gateway.stats().mjpeg.partsDropped;
  close = () => gateway.close(1000);
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
