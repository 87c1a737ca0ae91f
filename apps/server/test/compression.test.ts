/**
 * Compressed responses over real HTTP: the GraphiQL page and the UI's files
 * are sent with brotli or gzip as `Accept-Encoding` allows (brotli first),
 * identity otherwise; the decoded bytes are the page; the CSP is the one of
 * the uncompressed page; hashed assets are immutable; HEAD, 304 and Range
 * keep working. Frames, MJPEG, snapshots, SSE and GraphQL results are never
 * encoded.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/security/headers.ts';
import { closeAll, type Running, startServer } from './helpers/clients.ts';
import { tempDir } from './helpers/media.ts';
import { rawRequest, type RawResponse } from './helpers/wire-http.ts';

const ui = join(tempDir, 'compression-ui');
const INLINE = 'window.__boot = { start: Date.now() };';
const INDEX = `<!doctype html><html><head><title>servercam UI</title><script>${INLINE}</script></head><body>${'<p>live view</p>\n'.repeat(200)}</body></html>`;
const APP_JS = `export const cameras = [${Array.from({ length: 800 }, (_, i) => `{ id: "cam${i}", label: "Camera ${i}" }`).join(', ')}];\n`;
const STYLE = `${Array.from({ length: 300 }, (_, i) => `.tile-${i} { display: grid; gap: ${i}px; }`).join('\n')}\n`;
const PNG = createHash('sha512').update('not compressible').digest(); // 64 bytes of noise, repeated below
const BROWSER = 'gzip, deflate, br, zstd';

let running: Running;

beforeAll(async () => {
  mkdirSync(join(ui, '_app', 'immutable', 'entry'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), INDEX);
  writeFileSync(join(ui, '_app', 'immutable', 'entry', 'app.3f9a1c.js'), APP_JS);
  writeFileSync(join(ui, 'style.css'), STYLE);
  writeFileSync(join(ui, 'robots.txt'), 'User-agent: *\n');
  writeFileSync(join(ui, 'logo.png'), Buffer.concat(Array.from({ length: 64 }, () => PNG)));
  running = await startServer({ uiDir: ui, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
});
afterAll(closeAll);

const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> =>
  rawRequest(`${running.url}${path}`, { method, headers });

/** The body as the client reads it after decoding `Content-Encoding`. */
function decoded(response: RawResponse): Buffer {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body);
  if (encoding === 'gzip') return gunzipSync(response.body);
  expect(encoding).toBeUndefined();
  return response.body;
}

const GRAPHIQL = { accept: 'text/html' };

describe('the GraphiQL page', () => {
  it('is sent with brotli to a browser that accepts gzip, deflate, br', async () => {
    const response = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': BROWSER });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['vary']).toBe('Accept-Encoding');
    expect(Number(response.headers['content-length'])).toBe(response.body.byteLength);
  });

  it('is sent with gzip to a client that accepts gzip only, or prefers it by q-value', async () => {
    for (const accept of ['gzip', 'br;q=0.5, gzip', 'br;q=0, *']) {
      const response = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': accept });
      expect(response.headers['content-encoding'], accept).toBe('gzip');
    }
  });

  it('is sent as it is without Accept-Encoding, or when the client accepts neither', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }, { 'accept-encoding': 'zstd' }]) {
      const response = await get('/graphql', { ...GRAPHIQL, ...headers });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers['vary']).toBe('Accept-Encoding');
      expect(response.body.toString('utf8')).toContain('<title>servercam GraphiQL</title>');
    }
  });

  it('decodes to the very page sent without encoding, and is much smaller', async () => {
    const identity = await get('/graphql', GRAPHIQL);
    for (const encoding of ['br', 'gzip']) {
      const response = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': encoding });
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(decoded(response).equals(identity.body)).toBe(true);
      expect(response.body.byteLength).toBeLessThan(identity.body.byteLength / 3);
    }
  });

  it('carries the CSP computed from the uncompressed page, whatever the encoding', async () => {
    const identity = await get('/graphql', GRAPHIQL);
    const csp = contentSecurityPolicy(identity.body.toString('utf8'));
    expect(csp).toMatch(/'sha256-/);
    expect(identity.headers['content-security-policy']).toBe(csp);
    for (const encoding of ['br', 'gzip']) {
      expect((await get('/graphql', { ...GRAPHIQL, 'accept-encoding': encoding })).headers['content-security-policy']).toBe(csp);
    }
  });

  it('answers 304 to its ETag, one per encoding', async () => {
    const br = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'br' });
    const gzip = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'gzip' });
    expect(br.headers['etag']).not.toBe(gzip.headers['etag']);
    const again = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'br', 'if-none-match': String(br.headers['etag']) });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    const other = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'br', 'if-none-match': String(gzip.headers['etag']) });
    expect(other.status).toBe(200);
  });
});

describe("the UI's files", () => {
  it('sends the index page with brotli and the CSP of the uncompressed page, also for client-side routes', async () => {
    for (const path of ['/', '/some/client/route']) {
      const response = await get(path, { 'accept-encoding': BROWSER });
      expect(response.headers['content-encoding']).toBe('br');
      expect(decoded(response).toString('utf8')).toBe(INDEX);
      const hash = createHash('sha256').update(INLINE).digest('base64');
      expect(response.headers['content-security-policy']).toContain(`'sha256-${hash}'`);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('sends hashed assets encoded and immutable, other files encoded and revalidated', async () => {
    const app = await get('/_app/immutable/entry/app.3f9a1c.js', { 'accept-encoding': 'gzip' });
    expect(app.headers['content-encoding']).toBe('gzip');
    expect(app.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(app.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(decoded(app).toString('utf8')).toBe(APP_JS);
    const style = await get('/style.css', { 'accept-encoding': BROWSER });
    expect(style.headers['content-encoding']).toBe('br');
    expect(style.headers['cache-control']).toBe('no-cache');
    expect(decoded(style).toString('utf8')).toBe(STYLE);
  });

  it('sends images and tiny files as they are, without Vary', async () => {
    for (const path of ['/logo.png', '/robots.txt']) {
      const response = await get(path, { 'accept-encoding': BROWSER });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers['vary']).toBeUndefined();
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const headers = { 'accept-encoding': BROWSER };
    const [getResponse, head] = [await get('/style.css', headers), await get('/style.css', headers, 'HEAD')];
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    for (const name of ['content-encoding', 'content-length', 'etag', 'vary', 'content-type']) {
      expect(head.headers[name], name).toBe(getResponse.headers[name]);
    }
  });

  it('answers 304 to the ETag of the encoding it would send', async () => {
    const first = await get('/_app/immutable/entry/app.3f9a1c.js', { 'accept-encoding': BROWSER });
    const etag = String(first.headers['etag']);
    const again = await get('/_app/immutable/entry/app.3f9a1c.js', { 'accept-encoding': BROWSER, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers['etag']).toBe(etag);
    const identity = await get('/_app/immutable/entry/app.3f9a1c.js', { 'if-none-match': etag });
    expect(identity.status).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
  });

  it('offers no byte ranges: a Range request gets the whole file', async () => {
    const response = await get('/style.css', { 'accept-encoding': 'gzip', range: 'bytes=0-9' });
    expect(response.status).toBe(200);
    expect(response.headers['accept-ranges']).toBeUndefined();
    expect(decoded(response).toString('utf8')).toBe(STYLE);
  });
});

/** No content coding: no header, or Yoga's `none` on SSE (which keeps proxies from buffering to compress). */
function expectIdentity(response: RawResponse): void {
  expect([undefined, 'identity', 'none']).toContain(response.headers['content-encoding']);
}

describe('never encoded', () => {
  const ACCEPT_ALL = { 'accept-encoding': BROWSER };

  it('snapshots', async () => {
    const response = await get('/cameras/cam/snapshot.jpg', ACCEPT_ALL);
    expect(response.status).toBe(200);
    expectIdentity(response);
    expect(response.body.subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it('MJPEG streams', async () => {
    const response = await rawRequest(`${running.url}/cameras/cam/stream.mjpeg`, { headers: ACCEPT_ALL, headersOnly: true });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^multipart\/x-mixed-replace/);
    expectIdentity(response);
  });

  it('GraphQL results, frames over SSE included', async () => {
    const query = encodeURIComponent('{ snapshot { data } cameras { id label } }');
    const result = await get(`/graphql?query=${query}`, { ...ACCEPT_ALL, accept: 'application/graphql-response+json' });
    expect(result.status).toBe(200);
    expectIdentity(result);
    expect(JSON.parse(result.body.toString('utf8'))).toHaveProperty('data.cameras');
    const frames = encodeURIComponent('subscription { frames(maxWidth: 32) { seq data } }');
    const sse = await rawRequest(`${running.url}/graphql?query=${frames}`, { headers: { ...ACCEPT_ALL, accept: 'text/event-stream' }, headersOnly: true });
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    expectIdentity(sse);
  });
});
