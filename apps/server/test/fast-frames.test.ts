/**
 * The fast path of `frames` over graphql-ws: the payload is made once per
 * frame and selection, yet each client gets exactly what it selected, under
 * its own subscription id, in order.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { frameMessageCount } from '../src/frames/messages.ts';
import { closeAll, next, type Running, sseEvents, startServer, until, wsClient, wsSubscribe } from './helpers/clients.ts';

let running: Running;

beforeAll(async () => {
  running = await startServer({ fps: 15, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
});

afterAll(async () => {
  await closeAll();
});

it('gives only the selected fields, with aliases and __typename as on the normal path', async () => {
  const frames = wsSubscribe<Record<string, unknown>>(
    wsClient(running.wsUrl),
    'subscription Few($w: Int) { shot: frames(maxWidth: $w) { __typename n: seq w: width ... on Frame { capturedAt } } }',
    { w: 96 },
  );
  const { data, errors } = await next(frames);
  await frames.return!();
  expect(errors).toBeUndefined();
  expect(Object.keys(data!)).toEqual(['shot']);
  const shot = data!['shot'] as Record<string, unknown>;
  expect(Object.keys(shot)).toEqual(['__typename', 'n', 'w', 'capturedAt']);
  expect(shot).toMatchObject({ __typename: 'Frame', w: 96 });
  expect(new Date(shot['capturedAt'] as string).toISOString()).toBe(shot['capturedAt']);
});

it('sends each subscription its own id, frames in order, on a raw graphql-transport-ws socket', async () => {
  const ws = new WebSocket(running.wsUrl, 'graphql-transport-ws');
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const messages: Array<{ id?: string; type: string; payload?: { data?: { frames?: { seq: number } } } }> = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await until(() => messages.some((message) => message.type === 'connection_ack'), 'connection_ack');
  const query = 'subscription { frames { seq } }';
  const executions = frameMessageCount();
  ws.send(JSON.stringify({ id: 'a "quoted" id', type: 'subscribe', payload: { query } }));
  ws.send(JSON.stringify({ id: 'b', type: 'subscribe', payload: { query } }));
  const seqs = (id: string) => messages.filter((m) => m.id === id && m.type === 'next').map((m) => m.payload!.data!.frames!.seq);
  await until(() => seqs('a "quoted" id').length >= 4 && seqs('b').length >= 4, 'frames for both subscriptions');
  ws.send(JSON.stringify({ id: 'b', type: 'complete' }));
  // One shared execution per frame for both subscribers (the first frame may be shared with earlier tests' picture).
  const delivered = seqs('a "quoted" id').length + seqs('b').length;
  expect(frameMessageCount() - executions).toBeGreaterThan(0); // the fast path served them
  expect(frameMessageCount() - executions).toBeLessThanOrEqual(Math.ceil(delivered / 2) + 1);
  for (const id of ['a "quoted" id', 'b']) {
    const got = seqs(id);
    expect(got).toEqual([...got].sort((x, y) => x - y));
    expect(new Set(got).size).toBe(got.length);
  }
  await until(() => running.server.stats().subscriptions.frames === 1, 'the completed subscription to be released');
  ws.close();
  await until(() => running.server.stats().subscriptions.frames === 0, 'the closed socket\'s subscription to be released');
});

it('over SSE, streams the shared bytes: only the selected fields, seq increasing, one execution per frame', async () => {
  const executions = frameMessageCount();
  const events = sseEvents(running.url, 'subscription { frames(maxWidth: 64) { seq w: width } }');
  const seqs: number[] = [];
  for (let i = 0; i < 4; i++) {
    const event = await next(events);
    expect(event.event).toBe('next');
    const result = JSON.parse(event.data) as { data: { frames: { seq: number; w: number } } };
    expect(Object.keys(result.data.frames)).toEqual(['seq', 'w']);
    expect(result.data.frames.w).toBe(96); // 64 snaps up to the ladder's 96
    seqs.push(result.data.frames.seq);
  }
  await events.return(undefined);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(frameMessageCount() - executions).toBeGreaterThanOrEqual(4);
});

it('encodes a variant only while someone consumes it (the core\'s stats)', async () => {
  // maxWidth 48 snaps up to the ladder's 96.
  const encodes = async () => (await running.server.stream.stats()).find((s) => s.cameraId === 'cam')?.encodesByVariant['w96'] ?? 0;
  const start = await encodes();
  const frames = wsSubscribe<{ frames: { seq: number } }>(wsClient(running.wsUrl), 'subscription { frames(maxWidth: 48) { seq } }');
  await next(frames);
  await next(frames);
  await frames.return!();
  await until(async () => (await running.server.stream.stats()).length > 0 && running.server.stream.camera('cam')!.consumers === 0, 'the subscriber to be released');
  // An encode already under way when the demand changed may still land.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = await encodes();
  expect(after).toBeGreaterThanOrEqual(start + 2);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await encodes()).toBe(after);
});

it('completes fast-path subscriptions on shutdown of the subscriptions', async () => {
  const frames = wsSubscribe<{ frames: { seq: number } }>(wsClient(running.wsUrl), 'subscription { frames { seq } }');
  await next(frames);
  running.server.app.endSubscriptions();
  let result = await frames.next();
  while (!result.done) result = await frames.next();
  expect(result.done).toBe(true);
});
