/**
 * createServer's lifecycle in process: close() completes subscriptions,
 * releases the cameras, and stays bounded with a client that does not read.
 */
import { afterAll, expect, it } from 'vitest';
import type { Frame } from '@servercam/schema';
import { FramesDocument } from '@servercam/schema/client';
import { createServer, silentLogger } from '../src/index.ts';
import { closeAll, next, startServer, stalledWsSubscriber, until, wsClient, wsSubscribe } from './helpers/clients.ts';

afterAll(async () => {
  await closeAll();
});

it('close() completes every subscription and releases the cameras', async () => {
  const { server, wsUrl } = await startServer({ cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
  const client = wsClient(wsUrl);
  const frames = wsSubscribe<{ frames: Frame }>(client, FramesDocument.toString());
  const settings = wsSubscribe(client, 'subscription { streamSettings { paused } }');
  await next(frames);
  await until(() => server.stats().subscriptions.streamSettings === 1, 'the settings subscription');
  // Read to the end from before the close (graphql-ws's iterate() misses a `complete` that comes before its first next()).
  const ends = [drain(frames), drain(settings)];
  await server.close();
  expect(await Promise.all(ends)).toEqual(['complete', 'complete']);
  expect(server.stats().subscriptions).toMatchObject({ frames: 0, streamSettings: 0, cameraStatus: 0 });
  expect(server.stream.camera('cam')?.consumers).toBe(0);
  expect(await server.stream.stats()).toEqual([]);
});

it('close() is bounded when a client does not read', async () => {
  const { server, wsUrl } = await startServer({ fps: 30, quality: 100, cameras: [{ id: 'cam', source: 'synthetic:640x480@30' }] });
  await stalledWsSubscriber(wsUrl, FramesDocument.toString());
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const started = performance.now();
  await server.close(1000);
  // A generous sanity bound: the grace period plus the camera release.
  expect(performance.now() - started).toBeLessThan(4000);
  expect(server.stats().webSockets.clients).toBe(0);
});

it('is disposable with `await using`', async () => {
  let stream;
  {
    await using server = createServer({ logger: silentLogger(), uiDir: false, port: 0, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
    await server.listen();
    stream = server.stream;
    await until(() => stream.camera('cam')?.status === 'live', 'the camera to go live');
  }
  expect(await stream.stats()).toEqual([]);
});

/** Reads to the end: 'complete' when the iteration ended normally. */
async function drain(iterator: AsyncIterator<unknown>): Promise<string> {
  try {
    while (!(await iterator.next()).done);
    return 'complete';
  } catch (error) {
    return `error: ${String(error)}`;
  }
}
