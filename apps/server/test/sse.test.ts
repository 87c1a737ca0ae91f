/**
 * Subscriptions over Yoga's SSE (distinct connections), on a real socket.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Frame, StreamSettings } from '@servercam/schema';
import { FramesDocument, StreamSettingsChangedDocument, UpdateStreamDocument } from '@servercam/schema/client';
import { closeAll, httpRequest, next, type Running, startServer, until } from './helpers/clients.ts';
import { sseEvents } from './helpers/clients.ts';
import { fromBase64, jpegSize } from './helpers/media.ts';

let running: Running;

beforeAll(async () => {
  running = await startServer({ fps: 15, cameras: [{ id: 'cam', source: 'synthetic:320x240@30' }, { id: 'other', source: 'synthetic:160x120@30' }] });
});

afterAll(async () => {
  await closeAll();
});

function payload<T>(event: { event: string; data: string }): T {
  expect(event.event).toBe('next');
  const result = JSON.parse(event.data) as { data?: T; errors?: unknown[] };
  expect(result.errors).toBeUndefined();
  return result.data!;
}

it('delivers frames over SSE: JPEG, seq increasing', async () => {
  const events = sseEvents(running.url, FramesDocument.toString(), { maxWidth: 160 });
  const frames: Frame[] = [];
  for (let i = 0; i < 4; i++) frames.push(payload<{ frames: Frame }>(await next(events)).frames);
  await events.return(undefined);
  for (const frame of frames) {
    expect(frame).toMatchObject({ cameraId: 'cam', width: 160, height: 120 });
    expect(jpegSize(fromBase64(frame.data))).toEqual({ width: 160, height: 120 });
  }
  for (let i = 1; i < frames.length; i++) expect(frames[i]!.seq).toBeGreaterThan(frames[i - 1]!.seq);
});

it('releases the camera when the SSE client goes away', async () => {
  const viewers = () => running.server.stream.camera('other')!.consumers;
  const events = sseEvents(running.url, FramesDocument.toString(), { cameraId: 'other' });
  await next(events);
  expect(viewers()).toBe(1);
  await events.return(undefined);
  await until(() => viewers() === 0, 'the SSE subscriber to be released');
});

it('streamSettings over SSE sees a mutation made over HTTP', async () => {
  const events = sseEvents(running.url, StreamSettingsChangedDocument.toString());
  const first = next(events, 5000, 'a settings change');
  await until(() => running.server.stats().subscriptions.streamSettings > 0, 'the SSE settings subscription');
  await httpRequest(running.url, UpdateStreamDocument.toString(), { input: { fps: 7 } });
  try {
    expect(payload<{ streamSettings: StreamSettings }>(await first).streamSettings).toMatchObject({ fps: 7, activeCameraId: 'cam' });
  } finally {
    await httpRequest(running.url, UpdateStreamDocument.toString(), { input: { fps: 15 } });
    await events.return(undefined);
  }
});
