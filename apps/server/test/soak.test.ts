/**
 * A bounded soak (SOAK_SECONDS, default 20): graphql-ws, SSE and MJPEG
 * subscribers keep connecting and disconnecting while the settings change
 * and the capture child crashes (SIGABRT) and recovers. At the end: no
 * subscription, socket, stream or camera consumer is left, the process has
 * no more sockets or timers than before, and RSS is flat.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeAll, httpRequest, type Running, startServer, until } from './helpers/clients.ts';
import { recordFigures } from './helpers/figures.ts';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 20);
let running: Running;

beforeAll(async () => {
  running = await startServer({
    isolation: 'process',
    supervision: { restartMinMs: 100, restartMaxMs: 1000 },
    fps: 15,
    cameras: [
      { id: 'a', source: 'synthetic:320x240@15' },
      { id: 'b', source: 'synthetic:160x120@15' },
    ],
    limits: { mutationsPerMinute: 100_000, maxConnectionsPerAddress: 1000 },
  });
});
afterAll(closeAll);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const resources = () => {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
};

it(`holds subscribers coming and going, settings changing and capture crashing for ${SECONDS} s, and leaks nothing`, async () => {
  const end = Date.now() + SECONDS * 1000;
  const figures = { outOfOrder: 0, connections: 0, peakConcurrent: 0, frames: 0, mjpegBytes: 0, sseEvents: 0, mutations: 0, crashes: 0, recoveries: 0, errorsSeen: 0 };
  let concurrent = 0;
  const before = resources();
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 1000);

  const track = async (work: () => Promise<void>) => {
    figures.connections++;
    concurrent++;
    figures.peakConcurrent = Math.max(figures.peakConcurrent, concurrent);
    try {
      await work();
    } catch {
      // A subscriber cut by a crash or by its own timeout is part of the soak.
    } finally {
      concurrent--;
    }
  };
  const wsSubscriber = () =>
    track(async () => {
      const client = createClient({ url: running.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      const stop = Date.now() + 300 + Math.random() * 1500;
      try {
        const cameraId = Math.random() < 0.5 ? null : Math.random() < 0.5 ? 'a' : 'b';
        const variables = { id: cameraId, w: Math.random() < 0.5 ? 96 : null };
        const frames = client.iterate<{ frames: { seq: number } }>({
          query: 'subscription ($id: ID, $w: Int) { frames(cameraId: $id, maxWidth: $w) { seq data } }',
          variables,
        });
        let lastSeq = -1;
        let received = 0;
        const crashesAtStart = figures.crashes;
        while (Date.now() < stop) {
          const pending = frames.next();
          pending.catch(() => {}); // still pending when the run ends, it rejects as the client is disposed: nobody's error
          const next = await Promise.race([pending, sleep(stop - Date.now()).then(() => undefined)]);
          if (!next || next.done) break;
          figures.frames++;
          // One camera's frames arrive in order. Its count starts again from 1 when the camera is
          // reopened (released while unwatched, or a restarted capture child): that is not a regression.
          const seq = next.value.data?.frames.seq ?? 0;
          if (cameraId !== null && seq <= lastSeq && seq > 10 && figures.crashes === crashesAtStart) {
            figures.outOfOrder++;
            console.log(`[soak] out of order on ${cameraId}${variables.w ? ` w=${variables.w}` : ''}: ${lastSeq} then ${seq}, pid ${running.server.stream.capturePid}`);
          }
          // The first frame is the current picture, which may predate a capture restart: order counts from the second.
          lastSeq = received++ === 0 ? -1 : seq;
        }
        await frames.return?.();
      } finally {
        await client.dispose();
      }
    });
  const sseSubscriber = () =>
    track(async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 300 + Math.random() * 1000);
      try {
        const response = await fetch(`${running.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query: 'subscription { cameraStatus { id status } }' }),
          signal: controller.signal,
        });
        const reader = response.body!.getReader();
        for (;;) {
          const { done } = await reader.read();
          if (done) break;
          figures.sseEvents++;
        }
      } finally {
        clearTimeout(timer);
      }
    });
  const mjpegClient = () =>
    track(async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 300 + Math.random() * 1000);
      try {
        const response = await fetch(`${running.url}/cameras/${Math.random() < 0.5 ? 'a' : 'b'}/stream.mjpeg?maxWidth=80`, { signal: controller.signal });
        const reader = response.body!.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          figures.mjpegBytes += value.byteLength;
        }
      } finally {
        clearTimeout(timer);
      }
    });

  // A status watcher counts crashes seen as ERROR and recoveries to LIVE.
  const watcher = createClient({ url: running.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  const lastStatus = new Map<string, string>();
  const offWatcher = watcher.subscribe<{ cameraStatus: { id: string; status: string } }>(
    { query: 'subscription { cameraStatus { id status } }' },
    {
      next: ({ data }) => {
        if (!data) return;
        const { id, status } = data.cameraStatus;
        // ERROR, then (IDLE or OPENING, then) LIVE or PAUSED: a recovery. (A restarted capture child may
        // report IDLE before the camera's demand reaches it: it does on Node 24.)
        if (status === 'ERROR' && lastStatus.get(id) !== 'ERROR') {
          figures.errorsSeen++;
          lastStatus.set(id, 'ERROR');
        } else if ((status === 'LIVE' || status === 'PAUSED') && lastStatus.get(id) === 'ERROR') {
          figures.recoveries++;
          lastStatus.set(id, status);
        } else if (status !== 'OPENING' && status !== 'IDLE') {
          lastStatus.set(id, status);
        }
      },
      error: () => {},
      complete: () => {},
    },
  );

  let finalSettings: Record<string, unknown> | undefined;
  const loops: Array<Promise<void>> = [];
  // Load: about 12 subscribers at any time, each living 0.3 to 2 s.
  for (let lane = 0; lane < 12; lane++) {
    loops.push(
      (async () => {
        while (Date.now() < end) {
          const pick = lane % 3;
          await (pick === 0 || pick === 1 ? wsSubscriber() : lane % 2 === 0 ? sseSubscriber() : mjpegClient());
        }
      })(),
    );
  }
  // Settings change several times a second.
  loops.push(
    (async () => {
      let i = 0;
      while (Date.now() < end) {
        const input = [{ fps: 5 + (i % 10) }, { quality: 30 + (i % 60) }, { activeCameraId: i % 2 ? 'a' : 'b' }, { paused: i % 7 === 0 }][i % 4];
        await httpRequest(running.url, 'mutation ($input: StreamSettingsInput!) { updateStream(input: $input) { fps } }', { input });
        figures.mutations++;
        i++;
        await sleep(150);
      }
      const last = await httpRequest<{ updateStream: Record<string, unknown> }>(
        running.url,
        'mutation { updateStream(input: { paused: false, fps: 12, quality: 70 }) { paused fps activeCameraId quality } }',
      );
      finalSettings = last.data?.updateStream;
    })(),
  );
  // The capture child crashes every ~10 s.
  loops.push(
    (async () => {
      await sleep(3000);
      while (Date.now() < end - 6000) {
        // The child may be restarting from the last crash: wait for it.
        const pid = await until(() => running.server.stream.capturePid, 'a running capture child', 15_000);
        figures.crashes++;
        process.kill(pid, 'SIGABRT');
        await sleep(10_000);
      }
    })(),
  );
  await Promise.all(loops);
  // The active camera is back to LIVE. (A camera nobody watches stays ERROR after a capture restart until
  // someone watches it: the new capture child does not report an idle camera; a core issue.)
  await until(() => running.server.stream.camera(running.server.stream.activeCameraId)?.status === 'live', 'the active camera LIVE', 15_000);
  offWatcher();
  await watcher.dispose();
  clearInterval(sampler);

  // Nothing left on the server's side...
  await until(() => {
    const stats = running.server.stats();
    return stats.webSockets.clients === 0 && stats.httpStreams.streaming === 0 && stats.mjpeg.clients === 0 &&
      stats.subscriptions.frames + stats.subscriptions.cameraStatus + stats.subscriptions.streamSettings === 0;
  }, 'every subscription, socket and stream closed', 10_000);
  await until(() => running.server.stream.cameras.every((camera) => camera.consumers === 0), 'no camera consumer left', 5000);
  // ...nor in the process: no more sockets or timers than before the soak, once idle keep-alive connections expire (5 s).
  const sockets = (counts: Record<string, number>) => (counts['TCPSocketWrap'] ?? 0) + (counts['TCPWRAP'] ?? 0);
  await until(() => sockets(resources()) <= sockets(before), 'the sockets back to their number before the soak', 12_000);
  const after = resources();
  expect(after['Timeout'] ?? 0).toBeLessThanOrEqual((before['Timeout'] ?? 0) + 2);

  expect(figures.crashes).toBeGreaterThanOrEqual(1);
  expect(figures.errorsSeen).toBeGreaterThanOrEqual(1);
  expect(figures.recoveries).toBeGreaterThanOrEqual(1);
  expect(figures.frames).toBeGreaterThan(0);
  expect(figures.outOfOrder).toBe(0);
  // No settings change lost: the server holds what the last mutation answered.
  expect(finalSettings).toEqual({ ...running.server.stream.settings });
  // RSS flat: the last third no higher than the middle third by more than 48 MB.
  const third = Math.floor(rss.length / 3);
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
  const middle = mean(rss.slice(third, 2 * third));
  const last = mean(rss.slice(2 * third));
  expect(last - middle).toBeLessThan(48 * 1024 * 1024);

  await recordFigures('soak', {
    seconds: SECONDS,
    ...figures,
    fpsPerWsSubscriber: Math.round((figures.frames / (SECONDS * 8)) * 10) / 10,
    rssMiddleMB: Math.round(middle / 1048576),
    rssLastMB: Math.round(last / 1048576),
    resourcesBefore: before,
    resourcesAfter: after,
  });
}, (SECONDS + 60) * 1000);
