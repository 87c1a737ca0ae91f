/**
 * Other sites' pages may not use the API: no CORS by default, and WebSockets
 * from a foreign Origin are refused. Clients without an Origin (curl, VLC,
 * scripts) and allowed origins may.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeAll, type Running, startServer } from './helpers/clients.ts';

let running: Running;

beforeAll(async () => {
  running = await startServer({ allowedOrigins: ['http://localhost:5173'], cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
});

afterAll(async () => {
  await closeAll();
});

/** Opens a graphql-ws WebSocket with `origin`; resolves 'open' or the HTTP status of the refusal. */
function openWith(origin: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(running.wsUrl, 'graphql-transport-ws', origin ? { origin } : {});
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(String(response.statusCode));
      ws.terminate();
    });
    ws.once('error', () => resolve('error'));
  });
}

it('refuses a WebSocket from another site\'s page', async () => {
  expect(await openWith('https://evil.example')).toBe('403');
});

it('accepts a WebSocket from its own pages, from an allowed origin, and from clients without an Origin', async () => {
  expect(await openWith(running.url)).toBe('open');
  expect(await openWith('http://localhost:5173')).toBe('open');
  expect(await openWith(undefined)).toBe('open');
});

it('answers CORS preflights only for allowed origins', async () => {
  const preflight = (origin: string) =>
    fetch(`${running.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  // A browser allows the call only when the header names the page's origin (or is "*").
  expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toMatch(/evil\.example|\*/);
  expect((await preflight('http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
});

it('sends no CORS headers at all when no origin is allowed', async () => {
  const plain = await startServer({ cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
  const response = await fetch(`${plain.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
});
