/**
 * Subscriptions and operations over graphql-ws: a real WebSocket on /graphql.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera, Frame, StreamSettings } from '@servercam/schema';
import { FramesDocument, StreamSettingsChangedDocument, UpdateStreamDocument } from '@servercam/schema/client';
import { serializationCounts } from '../src/index.ts';
import {
  closeAll,
  collectFor,
  httpRequest,
  next,
  type Running,
  startServer,
  until,
  wsClient,
  wsRequest,
  wsSubscribe,
} from './helpers/clients.ts';
import { fromBase64, jpegSize } from './helpers/media.ts';

const FRAMES = FramesDocument.toString();
const SETTINGS_CHANGED = StreamSettingsChangedDocument.toString();
const UPDATE = UpdateStreamDocument.toString();

let running: Running;

beforeAll(async () => {
  running = await startServer({
    fps: 15,
    cameras: [
      { id: 'wide', label: 'Wide', source: 'synthetic:320x240@30' },
      { id: 'small', label: 'Small', source: 'synthetic:160x120@30' },
    ],
  });
});

afterAll(async () => {
  await closeAll();
});

async function setActive(id: string): Promise<void> {
  const result = await httpRequest(running.url, UPDATE, { input: { activeCameraId: id } });
  expect(result.errors).toBeUndefined();
}

describe('frames over graphql-ws', () => {
  it('delivers JPEG frames of the active camera, seq increasing', async () => {
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES);
    const received: Frame[] = [];
    for (let i = 0; i < 5; i++) received.push((await next(frames, 10_000, 'a frame')).data!.frames);
    await frames.return!();
    for (const frame of received) {
      expect(frame).toMatchObject({ cameraId: 'wide', width: 320, height: 240, mimeType: 'image/jpeg' });
      expect(jpegSize(fromBase64(frame.data))).toEqual({ width: 320, height: 240 });
    }
    for (let i = 1; i < received.length; i++) expect(received[i]!.seq).toBeGreaterThan(received[i - 1]!.seq);
  });

  it('scales frames down to maxWidth, keeping the aspect ratio', async () => {
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES, { maxWidth: 160 });
    const frame = (await next(frames)).data!.frames;
    await frames.return!();
    expect(frame).toMatchObject({ width: 160, height: 120 });
    expect(jpegSize(fromBase64(frame.data))).toEqual({ width: 160, height: 120 });
  });

  it('thins frames to maxFps', async () => {
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES, { maxFps: 3 });
    await next(frames);
    const received = await collectFor(frames, 2000);
    expect(received.length).toBeGreaterThanOrEqual(3);
    expect(received.length).toBeLessThanOrEqual(9);
  });

  it('gives a named camera\'s frames while another camera is active', async () => {
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES, { cameraId: 'small' });
    const frame = (await next(frames)).data!.frames;
    await frames.return!();
    expect(frame).toMatchObject({ cameraId: 'small', width: 160, height: 120 });
  });

  it('without cameraId, follows the active camera when it changes', async () => {
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES);
    expect((await next(frames)).data!.frames.cameraId).toBe('wide');
    await setActive('small');
    try {
      let frame = (await next(frames)).data!.frames;
      while (frame.cameraId === 'wide') frame = (await next(frames)).data!.frames;
      expect(frame).toMatchObject({ cameraId: 'small', width: 160, height: 120 });
      expect(jpegSize(fromBase64(frame.data))).toEqual({ width: 160, height: 120 });
    } finally {
      await frames.return!();
      await setActive('wide');
    }
  });

  it('refuses an unknown cameraId with a clear error, and ends the subscription', async () => {
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES, { cameraId: 'garage' });
    const result = await next(frames);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'cameraId' } });
    expect(result.errors?.[0]?.message).toMatch(/Unknown camera "garage": the configured cameras are "wide", "small"/);
    expect((await frames.next()).done).toBe(true);
  });

  it('refuses a maxWidth out of range with BAD_USER_INPUT', async () => {
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES, { maxWidth: 4 });
    const result = await next(frames);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'maxWidth' } });
    expect(result.errors?.[0]?.message).toMatch(/maxWidth/);
  });

  it('counts subscribers as viewers, and releases them when they unsubscribe', async () => {
    const viewers = () => running.server.stream.camera('small')!.consumers;
    const before = viewers();
    const client = wsClient(running.wsUrl);
    const subscriptions = [1, 2, 3].map(() => wsSubscribe<{ frames: Frame }>(client, FRAMES, { cameraId: 'small' }));
    await Promise.all(subscriptions.map((frames) => next(frames)));
    expect(viewers()).toBe(before + 3);
    const { data } = await wsRequest<{ camera: Camera }>(client, '{ camera(id: "small") { viewers } }');
    expect(data!.camera.viewers).toBe(before + 3);
    await Promise.all(subscriptions.map((frames) => frames.return!()));
    await until(() => viewers() === before, 'the viewers to be released');
  });

  it('serializes each frame once, however many subscribers receive it', async () => {
    const client = wsClient(running.wsUrl);
    const subscriptions = Array.from({ length: 8 }, () => wsSubscribe<{ frames: Frame }>(client, FRAMES, { cameraId: 'small', maxWidth: 96 }));
    await Promise.all(subscriptions.map((frames) => next(frames)));
    const before = serializationCounts().graphqlFrames;
    const received = await Promise.all(subscriptions.map((frames) => collectFor(frames, 1500)));
    const made = serializationCounts().graphqlFrames - before;
    const delivered = received.reduce((sum, frames) => sum + frames.length, 0);
    const distinct = new Set(received.flatMap((frames) => frames.map((result) => result.data!.frames.seq))).size;
    expect(distinct).toBeGreaterThan(5);
    expect(delivered).toBeGreaterThan(distinct * 4);
    // Serializations follow frames (of every variant in use), not deliveries.
    expect(made).toBeLessThan(delivered / 3);
  });
});

describe('while paused', () => {
  it('a new subscriber gets the current picture at once, and nothing more until resumed', async () => {
    await httpRequest(running.url, UPDATE, { input: { paused: true } });
    try {
      await until(() => running.server.stream.camera('wide')?.status === 'paused', 'the camera to pause');
      const kept = running.server.stream.latest('wide')!;
      const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES);
      expect((await next(frames)).data!.frames).toMatchObject({ cameraId: 'wide', seq: kept.seq });
      expect(await collectFor(frames, 700)).toEqual([]);
    } finally {
      await httpRequest(running.url, UPDATE, { input: { paused: false } });
    }
  });
});

describe('streamSettings and cameraStatus over graphql-ws', () => {
  it('a second client sees the settings a first client changed', async () => {
    const watcher = wsSubscribe<{ streamSettings: StreamSettings }>(wsClient(running.wsUrl), SETTINGS_CHANGED);
    const changer = wsClient(running.wsUrl);
    // The subscription is live once the server counts it.
    await until(() => running.server.stats().subscriptions.streamSettings > 0, 'the settings subscription');
    const changed = await wsRequest<{ updateStream: StreamSettings }>(changer, UPDATE, { input: { paused: true, quality: 42 } });
    expect(changed.errors).toBeUndefined();
    try {
      const seen = (await next(watcher, 5000, 'a settings change')).data!.streamSettings;
      expect(seen).toEqual({ paused: true, fps: 15, activeCameraId: 'wide', quality: 42 });
    } finally {
      await wsRequest(changer, UPDATE, { input: { paused: false, quality: 80 } });
      await watcher.return!();
    }
  });

  it('cameraStatus reports a camera going live when someone watches it', async () => {
    const statuses = wsSubscribe<{ cameraStatus: Camera }>(wsClient(running.wsUrl), 'subscription { cameraStatus { id status viewers } }');
    await until(() => running.server.stats().subscriptions.cameraStatus > 0, 'the status subscription');
    await until(() => running.server.stream.camera('small')!.status === 'idle', 'the small camera to be idle');
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(running.wsUrl), FRAMES, { cameraId: 'small' });
    try {
      let status = (await next(statuses)).data!.cameraStatus;
      while (!(status.id === 'small' && status.status === 'LIVE')) status = (await next(statuses)).data!.cameraStatus;
      expect(status.viewers).toBeGreaterThanOrEqual(1);
    } finally {
      await frames.return!();
      await statuses.return!();
    }
  });
});
