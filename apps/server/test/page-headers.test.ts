/**
 * Every HTML response carries the page headers, wherever it comes from: a
 * CSP with `frame-ancestors 'none'`, `X-Frame-Options: DENY` and `nosniff`
 * (no clickjacking: GraphiQL with a mutation in its query string was framed
 * and run with one click). The headers are applied where the app answers
 * (security/headers.ts), so the routes below are checked one by one.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, type Running, startServer } from './helpers/clients.ts';

const OPERATOR = 'page-headers-operator-token-0123456789';
const CAMERAS = [{ id: 'cam', source: 'synthetic:160x120@30' }];
const MUTATION = encodeURIComponent('mutation { updateStream(input: { paused: true }) { paused } }');

let open: Running;
let authed: Running;
let linksOnly: Running;

/** A UI directory shaped like apps/web/build: an index with an inline script, prerendered pages, an asset. */
async function uiDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'servercam-ui-'));
  const page = (title: string) => `<!doctype html><html><head><title>${title}</title><script>console.log(${JSON.stringify(title)})</script></head><body></body></html>`;
  await writeFile(join(dir, 'index.html'), page('index'));
  await writeFile(join(dir, 'sign-in.html'), page('sign-in'));
  await writeFile(join(dir, 'cameras.html'), page('cameras'));
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

beforeAll(async () => {
  const ui = await uiDir();
  open = await startServer({ uiDir: ui, cameras: CAMERAS });
  authed = await startServer({ uiDir: ui, cameras: CAMERAS, auth: { operatorToken: OPERATOR } });
  linksOnly = await startServer({ uiDir: false, cameras: CAMERAS });
});
afterAll(closeAll);

function expectPageHeaders(response: Response): void {
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
}

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('auth off', () => {
  it.each([
    ['the UI at /', '/'],
    ['the UI at /index.html', '/index.html'],
    ['the sign-in page', '/sign-in'],
    ['the sign-in page with a next path', '/sign-in?next=%2Fcameras'],
    ['a prerendered page', '/cameras'],
    ['the SPA fallback for a client-side route', '/events'],
    ['the SPA fallback for a deep route', '/some/client/route'],
    ['GraphiQL', '/graphql'],
    ['GraphiQL with a mutation in its query string', `/graphql?query=${MUTATION}`],
    ['GraphiQL with query, variables and operation name', `/graphql?query=${MUTATION}&variables=%7B%7D&operationName=x`],
    ['GraphiQL with an empty query string', '/graphql?'],
  ])('%s carries the page headers', async (_what, path) => {
    const response = await fetch(`${open.url}${path}`, { headers: html });
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    await response.body?.cancel();
  });

  it('GraphiQL with a mutation in its query string is GraphiQL, and nothing ran', async () => {
    const response = await fetch(`${open.url}/graphql?query=${MUTATION}`, { headers: html });
    expect(await response.text()).toContain('graphiql');
    expect(open.server.stream.settings.paused).toBe(false);
  });

  it('a HEAD of a page carries the framing and sniffing headers', async () => {
    const response = await fetch(`${open.url}/`, { method: 'HEAD' });
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('responses that are not pages carry nosniff and no CSP', async () => {
    for (const path of ['/healthz', '/favicon.svg', '/missing.js']) {
      const response = await fetch(`${open.url}${path}`);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toBeNull();
      await response.body?.cancel();
    }
  });
});

describe('auth on', () => {
  it.each([
    ['GraphiQL', '/graphql'],
    ['GraphiQL with a mutation in its query string', `/graphql?query=${MUTATION}`],
  ])('%s for a signed-in operator carries the page headers', async (_what, path) => {
    const response = await fetch(`${authed.url}${path}`, { headers: { ...html, authorization: `Bearer ${OPERATOR}` } });
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    await response.body?.cancel();
  });

  it.each([
    ['the UI', '/'],
    ['the sign-in page', '/sign-in?next=%2Fgraphql'],
  ])('%s without a session carries the page headers', async (_what, path) => {
    const response = await fetch(`${authed.url}${path}`, { headers: html });
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    await response.body?.cancel();
  });
});

describe('no UI build', () => {
  it.each([
    ['the links page', '/'],
    ['the links page at /index.html', '/index.html'],
  ])('%s carries the page headers', async (_what, path) => {
    const response = await fetch(`${linksOnly.url}${path}`, { headers: html });
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    await response.body?.cancel();
  });
});
