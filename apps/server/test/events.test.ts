/**
 * Motion events end to end: a real video through the capture worker's
 * detection, stored in SQLite, recorded as a clip, served over HTTP with
 * byte ranges, and listed through GraphQL.
 */
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { EventChange } from '../src/events/hub.ts';
import { closeAll, httpRequest, next, type Running, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';
import { jpegSize, tempDir } from './helpers/media.ts';
import { makeMotionVideo, probe } from './helpers/motion-media.ts';
import { describeOpenCv } from './helpers/opencv.ts';

afterAll(async () => {
  await closeAll();
});

const EVENTS = /* GraphQL */ `
  query ($cameraId: ID, $first: Int, $after: String) {
    events(cameraId: $cameraId, first: $first, after: $after) {
      edges { cursor node { id cameraId startedAt endedAt inProgress peakScore boxes { x y width height }
        snapshotUrl snapshotWidth recording recordingError clipUrl clipMimeType clipSeconds } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }`;

interface EventNode {
  id: string;
  cameraId: string;
  startedAt: string;
  endedAt: string | null;
  inProgress: boolean;
  peakScore: number;
  boxes: Array<{ x: number; y: number; width: number; height: number }>;
  snapshotUrl: string | null;
  snapshotWidth: number | null;
  recording: string;
  recordingError: string | null;
  clipUrl: string | null;
  clipMimeType: string | null;
  clipSeconds: number | null;
}
type EventsData = { events: { edges: Array<{ cursor: string; node: EventNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number } };

/** Serves `source` with detection, and notes the capture time of its first frame. */
async function serveWithMotion(source: string): Promise<{ running: Running; t0: () => number; changes: EventChange[]; dataDir: string }> {
  const dataDir = mkdtempSync(join(tempDir, 'data-'));
  const running = await startServer({
    fps: 0,
    dataDir,
    cameras: [{ id: 'yard', source, loop: false, motion: { engine: 'pure', quietSeconds: 1, minArea: 0.004 } }],
    events: { preRollSeconds: 1 },
    uiDir: false,
  });
  let first = 0;
  const off = running.server.stream.subscribe({ cameraId: 'yard' }, (frame) => {
    if (first === 0) first = frame.capturedAt;
  });
  const changes: EventChange[] = [];
  void (async () => {
    for await (const change of running.server.app.eventHub.changes('yard')) changes.push(change);
  })();
  await until(() => first > 0, 'the first frame');
  off();
  return { running, t0: () => first, changes, dataDir };
}

describeOpenCv('a moving square after a still period', () => {
  let running: Running;
  let t0: number;
  let changes: EventChange[];
  let node: EventNode;

  it('gives exactly one stored event, at the right times, with a box around the square, told live over graphql-ws', async () => {
    const served = await serveWithMotion(makeMotionVideo({ seconds: 7, moveFrom: 2, moveTo: 4 }));
    running = served.running;
    changes = served.changes;
    t0 = served.t0();
    const live = wsSubscribe<{ motionEvents: { phase: string; event: { id: string; recording: string } } }>(
      wsClient(running.wsUrl),
      'subscription { motionEvents(cameraId: "yard") { phase event { id recording } } }',
    );
    const started = await next(live, 10_000, 'a START over graphql-ws');
    expect(started.data?.motionEvents).toMatchObject({ phase: 'START', event: { recording: 'RECORDING' } });
    expect((await next(live, 10_000, 'an END')).data?.motionEvents.phase).toBe('END');
    expect((await next(live, 20_000, 'SAVED')).data?.motionEvents).toMatchObject({ phase: 'SAVED', event: { recording: 'READY' } });
    await live.return?.();
    await until(() => changes.some((change) => change.phase === 'saved'), 'the clip to be saved', 20_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 + 7500 - Date.now())));
    const result = await httpRequest<EventsData>(running.url, EVENTS, { cameraId: 'yard' });
    expect(result.errors).toBeUndefined();
    const edges = result.data!.events.edges;
    expect(edges).toHaveLength(1);
    expect(result.data!.events.totalCount).toBe(1);
    node = edges[0]!.node;
    const start = (Date.parse(node.startedAt) - t0) / 1000;
    const end = (Date.parse(node.endedAt!) - t0) / 1000;
    console.log(`[motion accuracy] start ${start.toFixed(2)} s (truth 2.00), end ${end.toFixed(2)} s (truth 4.00), box ${JSON.stringify(node.boxes[0])}, peak ${node.peakScore.toFixed(4)}`);
    expect(start).toBeGreaterThan(1.7);
    expect(start).toBeLessThan(2.5);
    expect(end).toBeGreaterThan(3.6);
    expect(end).toBeLessThan(5.0);
    expect(node.inProgress).toBe(false);
    const box = node.boxes[0]!;
    expect(box.y).toBeGreaterThan(0.3);
    expect(box.y).toBeLessThan(150 / 360 + 0.02);
    expect(box.y + box.height).toBeGreaterThan(210 / 360 - 0.02);
    expect(box.y + box.height).toBeLessThan(0.7);
    expect(changes.map((change) => change.phase)).toEqual(['start', 'end', 'saved']);
  });

  it('has a snapshot served as a JPEG', async () => {
    const response = await fetch(`${running.url}${node.snapshotUrl}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(jpegSize(new Uint8Array(await response.arrayBuffer())).width).toBe(node.snapshotWidth);
  });

  it('has a clip that plays: ffprobe reads its duration', async () => {
    expect(node.recording).toBe('READY');
    expect(node.clipUrl).toMatch(/\/clip\.(mp4|avi)$/);
    const response = await fetch(`${running.url}${node.clipUrl}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(node.clipMimeType);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const file = join(tempDir, `downloaded-${Date.now()}.${node.clipUrl!.slice(-3)}`);
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));
    const clip = probe(file);
    console.log(`[clip] ${clip.codec}, ${clip.seconds.toFixed(2)} s, ${clip.frames} frames (event ${node.clipSeconds?.toFixed(2)} s)`);
    // The event lasts about 2 s, plus 1 s of pre-roll and about 1 s of quiet before its end is known.
    expect(clip.seconds).toBeGreaterThan(2.5);
    expect(clip.seconds).toBeLessThan(8);
    expect(Math.abs(clip.seconds - node.clipSeconds!)).toBeLessThan(0.5);
  });

  it('serves byte ranges of the clip (206, Content-Range), so a <video> can seek', async () => {
    const whole = await (await fetch(`${running.url}${node.clipUrl}`)).arrayBuffer();
    const size = whole.byteLength;
    const part = await fetch(`${running.url}${node.clipUrl}`, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(new Uint8Array(whole, 100, 100));
    const tail = await fetch(`${running.url}${node.clipUrl}`, { headers: { Range: 'bytes=-50' } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 50}-${size - 1}/${size}`);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(new Uint8Array(whole, size - 50, 50));
    const open = await fetch(`${running.url}${node.clipUrl}`, { headers: { Range: `bytes=${size - 10}-` } });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);
    const beyond = await fetch(`${running.url}${node.clipUrl}`, { headers: { Range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
  });

  it('gives the event by id, and 404 for an unknown event file', async () => {
    const result = await httpRequest<{ event: EventNode | null; missing: EventNode | null }>(
      running.url,
      'query ($id: ID!) { event(id: $id) { id recording } missing: event(id: "nope") { id } }',
      { id: node.id },
    );
    expect(result.data).toEqual({ event: { id: node.id, recording: 'READY' }, missing: null });
    expect((await fetch(`${running.url}/events/nope/clip.mp4`)).status).toBe(404);
  });
});

describeOpenCv('a still video', () => {
  it('gives no event', async () => {
    const { running, t0, changes } = await serveWithMotion(makeMotionVideo({ seconds: 5 }));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0() + 4500 - Date.now())));
    const result = await httpRequest<EventsData>(running.url, EVENTS, {});
    expect(result.data!.events).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
    expect(changes).toEqual([]);
    expect((await running.server.stream.stats())[0]!.analyzed).toBeGreaterThan(25); // detectFps 10 over 4.5 s
  });
});
