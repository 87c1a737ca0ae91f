/**
 * Capture runs in a supervised child process (`isolation: 'process'`, the
 * default of `servercam serve`): a native crash of the capture side (SIGABRT,
 * as an OpenCV abort would give) never takes the API down. Clients see ERROR
 * then LIVE, and frames come back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeAll, httpRequest, next, type Running, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';

let running: Running;

beforeAll(async () => {
  running = await startServer({
    isolation: 'process',
    supervision: { restartMinMs: 100, restartMaxMs: 500 },
    cameras: [{ id: 'cam', source: 'synthetic:160x120@15' }],
  });
});
afterAll(closeAll);

it('survives SIGABRT of the capture child: the API answers, clients see ERROR then LIVE, frames resume', async () => {
  const client = wsClient(running.wsUrl);
  const statuses = wsSubscribe<{ cameraStatus: { id: string; status: string; error: { code: string } | null } }>(
    client,
    'subscription { cameraStatus { id status error { code } } }',
  );
  const frames = wsSubscribe<{ frames: { seq: number } }>(client, 'subscription { frames(maxWidth: 64) { seq } }');
  await next(frames, 10_000, 'a first frame');
  const pid = await until(() => running.server.stream.capturePid, 'the capture child');
  expect(pid).not.toBe(process.pid);

  const seen: string[] = [];
  process.kill(pid, 'SIGABRT');
  for (;;) {
    const status = (await next(statuses, 15_000, 'a status')).data!.cameraStatus.status;
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 'ERROR') {
      // The API keeps answering while capture is down.
      const answer = await httpRequest<{ cameras: Array<{ status: string }> }>(running.url, '{ cameras { status } }');
      expect(answer.data?.cameras[0]?.status).toBeDefined();
    }
    if (seen.includes('ERROR') && status === 'LIVE') break;
  }
  expect(seen.indexOf('ERROR')).toBeLessThan(seen.lastIndexOf('LIVE'));
  const newPid = await until(() => running.server.stream.capturePid, 'a new capture child');
  expect(newPid).not.toBe(pid);
  // Frames flow again on the same subscription.
  const before = (await next(frames, 10_000, 'a frame after the restart')).data!.frames.seq;
  const after = (await next(frames, 10_000, 'another frame')).data!.frames.seq;
  expect(after).not.toBe(before);
  const health = (await (await fetch(`${running.url}/healthz`)).json()) as { status: string };
  expect(health.status).toBe('ok');
});
