/**
 * Browser safety: POST and SSE from another site's page are refused (CSRF),
 * WebSocket upgrades too (origins.test.ts); pages carry security headers and
 * a CSP that names their own inline scripts.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, type Running, startServer } from './helpers/clients.ts';

let running: Running;
const INLINE = 'console.log("boot")';

beforeAll(async () => {
  const ui = await mkdtemp(join(tmpdir(), 'servercam-ui-'));
  await writeFile(join(ui, 'index.html'), `<!doctype html><html><head><script>${INLINE}</script><script src="/app.js"></script></head><body></body></html>`);
  running = await startServer({ uiDir: ui, allowedOrigins: ['http://localhost:5173'], cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
});
afterAll(closeAll);

const query = JSON.stringify({ query: 'mutation { updateStream(input: { paused: true }) { paused } }' });

describe('cross-site requests', () => {
  it('refuses a POST from another site\'s page with 403 and changes nothing', async () => {
    const response = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: query,
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('FORBIDDEN_ORIGIN');
    expect(running.server.stream.settings.paused).toBe(false);
  });

  it('refuses a form POST (text/plain, the classic CSRF) from another site', async () => {
    const response = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'null' },
      body: query,
    });
    expect(response.status).toBe(403);
  });

  it('refuses SSE from another site\'s page', async () => {
    const response = await fetch(`${running.url}/graphql?query=${encodeURIComponent('subscription { streamSettings { fps } }')}`, {
      headers: { accept: 'text/event-stream', origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    await response.body?.cancel();
  });

  it('accepts a POST from its own page and from an allowed origin', async () => {
    for (const origin of [running.url, 'http://localhost:5173']) {
      const response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ query: '{ stream { fps } }' }),
      });
      expect(response.status).toBe(200);
      await response.body?.cancel();
    }
  });
});

describe('security headers', () => {
  it('gives the UI a CSP with its inline scripts\' hashes, no framing, nosniff, no referrer', async () => {
    const response = await fetch(`${running.url}/`);
    const csp = response.headers.get('content-security-policy')!;
    const hash = createHash('sha256').update(INLINE).digest('base64');
    expect(csp).toContain(`'sha256-${hash}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('gives GraphiQL a CSP that names every inline script of the page', async () => {
    const response = await fetch(`${running.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    const csp = response.headers.get('content-security-policy')!;
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter((m) => !/\bsrc\s*=/i.test(m[1]!));
    expect(inline.length).toBeGreaterThan(0);
    for (const match of inline) expect(csp).toContain(`'sha256-${createHash('sha256').update(match[2]!).digest('base64')}'`);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});
