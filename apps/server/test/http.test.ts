/**
 * The plain-HTTP routes on a real socket: snapshots, /healthz, and the UI at /
 * (static files with a client-side-routing fallback, or the links page).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, type Running, startServer, until } from './helpers/clients.ts';
import { jpegSize, tempDir } from './helpers/media.ts';

afterAll(async () => {
  await closeAll();
});

describe('snapshots', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startServer({ fps: 10, cameras: [{ id: 'cam', source: 'synthetic:320x240@30' }, { id: 'side', source: 'synthetic:160x120@30' }] });
  });

  it('GET /cameras/:id/snapshot.jpg gives the latest JPEG', async () => {
    await until(() => running.server.stream.latest('cam'), 'a first frame');
    const response = await fetch(`${running.url}/cameras/cam/snapshot.jpg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Number(response.headers.get('x-frame-seq'))).toBeGreaterThan(0);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(jpegSize(bytes)).toEqual({ width: 320, height: 240 });
  });

  it('wakes a camera nobody watches for its snapshot', async () => {
    const response = await fetch(`${running.url}/cameras/side/snapshot.jpg`);
    expect(response.status).toBe(200);
    expect(jpegSize(new Uint8Array(await response.arrayBuffer()))).toEqual({ width: 160, height: 120 });
  });

  it('answers 404 for an unknown camera', async () => {
    const response = await fetch(`${running.url}/cameras/garage/snapshot.jpg`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Unknown camera "garage"' });
  });

  it('answers 405 to a POST', async () => {
    const response = await fetch(`${running.url}/cameras/cam/snapshot.jpg`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('a camera with no frame yet', () => {
  it('answers 503 with Retry-After', async () => {
    // Paused from the start: no frame is ever captured.
    const running = await startServer({ paused: true, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
    const response = await fetch(`${running.url}/cameras/cam/snapshot.jpg`);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await response.json()).error).toMatch(/no frame yet/);
  });
});

describe('/healthz', () => {
  it('reports every camera\'s status and the settings as JSON', async () => {
    const running = await startServer({ fps: 5, cameras: [{ id: 'a', label: 'A', source: 'synthetic:160x120@30' }, { id: 'b', source: 'synthetic:160x120@30' }] });
    await until(() => running.server.stream.camera('a')?.status === 'live', 'camera a to go live');
    const response = await fetch(`${running.url}/healthz`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      status: 'ok',
      stream: { paused: false, fps: 5, activeCameraId: 'a', quality: 80 },
      cameras: [
        { id: 'a', label: 'A', status: 'LIVE', error: null, width: 160, height: 120 },
        { id: 'b', label: 'b', status: 'IDLE', error: null },
      ],
    });
  });
});

describe('the UI at /', () => {
  let running: Running;
  const ui = join(tempDir, 'ui');
  beforeAll(async () => {
    mkdirSync(join(ui, '_app', 'immutable'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>servercam UI</title>');
    writeFileSync(join(ui, 'cameras.html'), '<!doctype html><title>camera grid</title>');
    writeFileSync(join(ui, '_app', 'immutable', 'app.js'), 'export {};');
    writeFileSync(join(tempDir, 'secret.txt'), 'not for the web');
    running = await startServer({ uiDir: ui, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
  });

  it('serves the UI\'s index page', async () => {
    const response = await fetch(`${running.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('servercam UI');
  });

  it('serves assets with their type, immutable ones cached for good', async () => {
    const response = await fetch(`${running.url}/_app/immutable/app.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('serves prerendered pages without their .html (the /cameras grid)', async () => {
    expect(await (await fetch(`${running.url}/cameras`)).text()).toContain('camera grid');
  });

  it('falls back to index.html for client-side routes, but not for missing assets', async () => {
    const route = await fetch(`${running.url}/some/client/route`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('servercam UI');
    expect((await fetch(`${running.url}/_app/missing.js`)).status).toBe(404);
  });

  it('falls back to index.html for a share view, whose token holds dots', async () => {
    const share = await fetch(`${running.url}/share/scl1.AbCd.cam.1796428800.mac-Value_1`);
    expect(share.status).toBe(200);
    expect(await share.text()).toContain('servercam UI');
  });

  it('never shadows the API: /graphql, /cameras/..., /healthz', async () => {
    const graphql = await fetch(`${running.url}/graphql?query=%7B__typename%7D`);
    expect(await graphql.json()).toEqual({ data: { __typename: 'Query' } });
    expect((await fetch(`${running.url}/cameras/cam/unknown-route`)).status).toBe(404);
    expect((await fetch(`${running.url}/cameras/garage/snapshot.jpg`)).status).toBe(404);
    expect((await fetch(`${running.url}/healthz`)).headers.get('content-type')).toMatch(/json/);
  });

  it('serves nothing outside the UI directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const response = await fetch(`${running.url}${path}`);
      expect(await response.text()).not.toContain('not for the web');
    }
  });
});

describe('without a UI build', () => {
  it('/ is a page that links to GraphiQL and each camera\'s MJPEG stream and snapshot', async () => {
    const running = await startServer({ uiDir: false, cameras: [{ id: 'cam', label: 'Porch <1>', source: 'synthetic:160x120@30' }] });
    const response = await fetch(`${running.url}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('href="/graphql"');
    expect(html).toContain('href="/cameras/cam/stream.mjpeg"');
    expect(html).toContain('href="/cameras/cam/snapshot.jpg"');
    expect(html).toContain('Porch &lt;1&gt;');
    expect((await fetch(`${running.url}/anything-else`)).status).toBe(404);
  });
});
