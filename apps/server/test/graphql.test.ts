/**
 * Queries and mutations, in process (`fetch` on the app, no socket).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera, Frame, StreamSettings } from '@servercam/schema';
import { createServer, EXAMPLE_OPERATIONS, type Servercam, silentLogger } from '../src/index.ts';
import { fromBase64, jpegSize } from './helpers/media.ts';
import { until } from './helpers/clients.ts';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

let server: Servercam;

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const response = await server.fetch(
    new Request('http://servercam.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return (await response.json()) as GraphQLResponse<T>;
}

const SETTINGS = 'paused fps activeCameraId quality';
const UPDATE = `mutation ($input: StreamSettingsInput!) { updateStream(input: $input) { ${SETTINGS} } }`;

async function settings(): Promise<StreamSettings> {
  const { data } = await graphql<{ stream: StreamSettings }>(`{ stream { ${SETTINGS} } }`);
  return data!.stream;
}

beforeAll(async () => {
  server = createServer({
    logger: silentLogger(),
    uiDir: false,
    fps: 12,
    quality: 70,
    cameras: [
      { id: 'front', label: 'Front door', source: 'synthetic:320x240@30' },
      { id: 'back', source: 'synthetic:160x120@30' },
    ],
  });
  await server.app.start();
});

afterAll(async () => {
  await server.close();
});

describe('queries', () => {
  it('cameras lists every configured camera with its label, status and size', async () => {
    await until(() => server.stream.camera('front')?.status === 'live', 'the active camera to go live');
    const { data, errors } = await graphql<{ cameras: Camera[] }>('{ cameras { id label status error { code } width height measuredFps viewers } }');
    expect(errors).toBeUndefined();
    expect(data!.cameras.map((camera) => [camera.id, camera.label])).toEqual([['front', 'Front door'], ['back', 'back']]);
    expect(data!.cameras[0]).toMatchObject({ status: 'LIVE', error: null, width: 320, height: 240, viewers: 0 });
    expect(data!.cameras[1]).toMatchObject({ status: 'IDLE', width: 160, height: 120 });
  });

  it('camera(id) gives one camera, and null for an id no camera has', async () => {
    const { data } = await graphql<{ a: Camera | null; b: Camera | null }>('{ a: camera(id: "back") { id label } b: camera(id: "nope") { id } }');
    expect(data).toEqual({ a: { id: 'back', label: 'back' }, b: null });
  });

  it('stream gives the shared settings the server started with', async () => {
    expect(await settings()).toEqual({ paused: false, fps: 12, activeCameraId: 'front', quality: 70 });
  });

  it('snapshot gives the active camera\'s latest frame as a base64 JPEG', async () => {
    const { data, errors } = await graphql<{ snapshot: Frame }>('{ snapshot { cameraId seq capturedAt width height mimeType data } }');
    expect(errors).toBeUndefined();
    const frame = data!.snapshot;
    expect(frame).toMatchObject({ cameraId: 'front', width: 320, height: 240, mimeType: 'image/jpeg' });
    expect(frame.seq).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(frame.capturedAt as string) - Date.now())).toBeLessThan(60_000);
    expect(jpegSize(fromBase64(frame.data))).toEqual({ width: 320, height: 240 });
  });

  it('snapshot(cameraId) of a camera nobody watches wakes it and gives its frame', async () => {
    const { data } = await graphql<{ snapshot: Frame }>('{ snapshot(cameraId: "back") { cameraId width height data } }');
    expect(data!.snapshot).toMatchObject({ cameraId: 'back', width: 160, height: 120 });
    expect(jpegSize(fromBase64(data!.snapshot.data))).toEqual({ width: 160, height: 120 });
  });

  it('snapshot(cameraId) of an unknown camera is a BAD_USER_INPUT error naming it', async () => {
    const { data, errors } = await graphql<{ snapshot: Frame | null }>('{ snapshot(cameraId: "nope") { seq } }');
    expect(data?.snapshot ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(/Unknown camera "nope".*"front", "back"/);
  });
});

describe('updateStream', () => {
  it('changes the shared settings and returns them', async () => {
    const before = await settings();
    const { data, errors } = await graphql<{ updateStream: StreamSettings }>(UPDATE, { input: { fps: 5, quality: 55 } });
    expect(errors).toBeUndefined();
    expect(data!.updateStream).toEqual({ ...before, fps: 5, quality: 55 });
    expect(await settings()).toEqual({ ...before, fps: 5, quality: 55 });
    expect(server.stream.settings).toMatchObject({ fps: 5, quality: 55 });
    await graphql(UPDATE, { input: { fps: before.fps, quality: before.quality } });
  });

  it('switches the active camera', async () => {
    const { data } = await graphql<{ updateStream: StreamSettings }>(UPDATE, { input: { activeCameraId: 'back' } });
    expect(data!.updateStream.activeCameraId).toBe('back');
    expect(server.stream.activeCameraId).toBe('back');
    await graphql(UPDATE, { input: { activeCameraId: 'front' } });
  });

  it('treats an explicit null as "leave unchanged"', async () => {
    const before = await settings();
    const { data, errors } = await graphql<{ updateStream: StreamSettings }>(UPDATE, { input: { fps: null, paused: null } });
    expect(errors).toBeUndefined();
    expect(data!.updateStream).toEqual(before);
  });

  // Each invalid field comes with a valid change to another field: nothing at all may change.
  it.each([
    ['fps below 0', { fps: -1 }, 'fps'],
    ['fps above the maximum', { fps: 1000 }, 'fps'],
    ['quality 0', { quality: 0 }, 'quality'],
    ['quality above 100', { quality: 101 }, 'quality'],
    ['an unknown activeCameraId', { activeCameraId: 'garage' }, 'activeCameraId'],
  ])('rejects %s with BAD_USER_INPUT naming the field, and changes nothing', async (_name, invalid, field) => {
    const before = await settings();
    const { data, errors } = await graphql<{ updateStream: StreamSettings }>(UPDATE, { input: { paused: !before.paused, ...invalid } });
    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(errors![0]!.message).toContain(field);
    expect(await settings()).toEqual(before);
    expect(server.stream.settings).toEqual(before);
  });

  it.each([
    ['a fractional quality', { quality: 50.5 }],
    ['a string fps', { fps: 'fast' }],
    ['an unknown input field', { source: '/dev/video0' }],
  ])('rejects %s at validation, and changes nothing', async (_name, input) => {
    const before = await settings();
    const { data, errors } = await graphql<{ updateStream: StreamSettings }>(UPDATE, { input: { paused: !before.paused, ...input } });
    expect(data ?? null).toBeNull();
    expect(errors?.length).toBeGreaterThan(0);
    expect(await settings()).toEqual(before);
  });

  it('offers no way to set a camera source: no mutation argument or input field names one', async () => {
    const { data } = await graphql<{ __schema: { mutationType: { fields: Array<{ args: Array<{ name: string; type: { name: string | null; ofType: { name: string } | null } }> }> }; types: Array<{ name: string; inputFields: Array<{ name: string }> | null }> } }>(
      '{ __schema { mutationType { fields { args { name type { name ofType { name } } } } } types { name inputFields { name } } } }',
    );
    const names = [
      ...data!.__schema.mutationType.fields.flatMap((field) => field.args.map((arg) => arg.name)),
      ...data!.__schema.types.flatMap((type) => type.inputFields?.map((field) => field.name) ?? []),
    ];
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => /source|url|path|device|file/i.test(name))).toEqual([]);
  });
});

describe('GraphiQL', () => {
  it('is served to a browser on /graphql, offline, with WebSocket subscriptions and the example operations', async () => {
    const response = await server.fetch(new Request('http://servercam.test/graphql', { headers: { accept: 'text/html' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('renderYogaGraphiQL');
    // No script, style or font from a CDN: everything is inlined.
    expect(html.match(/<(?:script|link)\b[^>]*\b(?:src|href)=["']?https?:/gi) ?? []).toEqual([]);
    expect(html).toContain('"subscriptionsProtocol":"WS"');
    expect(html).toContain(JSON.stringify(EXAMPLE_OPERATIONS).slice(1, 60));
  });
});
