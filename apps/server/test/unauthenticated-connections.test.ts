/**
 * WebSockets without credentials are counted apart (security/connections.ts):
 * they take one of an address's few unauthenticated slots, must authenticate
 * in `connection_init` within `authTimeoutMs`, and never hold one of its
 * authenticated slots. Bare upgrades used to hold one of 64 per-address slots
 * each for 3 s: 64 of them shut the address out. Real sockets, real graphql-ws.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Limits } from '../src/security/limits.ts';
import { closeAll, type Running, startServer } from './helpers/clients.ts';
import { closeCode, upgrade } from './helpers/forged-http.ts';

const OPERATOR = 'slots-test-operator-token-0123456789';
const CAMERAS = [{ id: 'cam', source: 'synthetic:160x120@30' }];
const sockets: Array<{ terminate(): void } | { destroy(): void }> = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) 'terminate' in socket ? socket.terminate() : socket.destroy();
  await closeAll();
});

function server(limits: Partial<Limits>, auth = true): Promise<Running> {
  return startServer({ cameras: CAMERAS, auth: auth ? { operatorToken: OPERATOR } : undefined, limits });
}

type Outcome = { readonly kind: 'ack' } | { readonly kind: 'closed'; readonly code: number } | { readonly kind: 'refused'; readonly status: number };

/** A graphql-ws connection: credentials in the upgrade's headers and/or in connectionParams; how it went. */
function connect(wsUrl: string, options: { headers?: Record<string, string>; params?: Record<string, unknown> } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { headers: options.headers });
    sockets.push(ws);
    ws.once('unexpected-response', (_request, response) => {
      resolve({ kind: 'refused', status: response.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', () => {});
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: options.params })));
    ws.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve({ kind: 'ack' });
    });
    ws.once('close', (code) => resolve({ kind: 'closed', code }));
  });
}

/** A bare upgrade: no credentials, and no connection_init. */
async function bare(wsUrl: string, headers: Record<string, string> = {}): Promise<number> {
  const result = await upgrade(wsUrl, headers);
  if (result.socket) sockets.push(result.socket);
  return result.status;
}

const bearer = { authorization: `Bearer ${OPERATOR}` };

describe('auth on', () => {
  it('bare upgrades take only the unauthenticated budget: the one past it gets 429', async () => {
    const running = await server({ maxConnectionsPerAddress: 3, maxUnauthenticatedConnectionsPerAddress: 2, authTimeoutMs: 60_000 });
    expect(await bare(running.wsUrl)).toBe(101);
    expect(await bare(running.wsUrl)).toBe(101);
    const refused = await upgrade(running.wsUrl);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
  });

  it('with the unauthenticated budget spent by bare upgrades, every authenticated slot is still there', async () => {
    const running = await server({ maxConnectionsPerAddress: 3, maxUnauthenticatedConnectionsPerAddress: 2, authTimeoutMs: 60_000 });
    for (let i = 0; i < 10; i++) await bare(running.wsUrl);
    for (let i = 0; i < 3; i++) expect(await connect(running.wsUrl, { headers: bearer })).toEqual({ kind: 'ack' });
    expect(await connect(running.wsUrl, { headers: bearer })).toEqual({ kind: 'refused', status: 429 });
  });

  it('an upgrade without credentials must authenticate within authTimeoutMs: closed with 4408, its slot freed', async () => {
    const running = await server({ maxUnauthenticatedConnectionsPerAddress: 1, authTimeoutMs: 200 });
    const first = await upgrade(running.wsUrl);
    expect(first.status).toBe(101);
    sockets.push(first.socket!);
    expect(await bare(running.wsUrl)).toBe(429);
    expect(await closeCode(first.socket!)).toBe(4408);
    await expect.poll(() => bare(running.wsUrl)).toBe(101);
  });

  it('authenticating in connection_init moves the connection to an authenticated slot, freeing the unauthenticated one', async () => {
    const running = await server({ maxConnectionsPerAddress: 4, maxUnauthenticatedConnectionsPerAddress: 1, authTimeoutMs: 60_000 });
    const params = { authorization: `Bearer ${OPERATOR}` };
    for (let i = 0; i < 3; i++) expect(await connect(running.wsUrl, { params })).toEqual({ kind: 'ack' });
  });

  it('authenticating in connection_init when the address has no authenticated slot left: closed with 1013 (try again later)', async () => {
    const running = await server({ maxConnectionsPerAddress: 1, maxUnauthenticatedConnectionsPerAddress: 1, authTimeoutMs: 60_000 });
    expect(await connect(running.wsUrl, { headers: bearer })).toEqual({ kind: 'ack' });
    expect(await connect(running.wsUrl, { params: { authorization: `Bearer ${OPERATOR}` } })).toEqual({ kind: 'closed', code: 1013 });
  });

  it('a wrong token in connection_init is still closed with 4401', async () => {
    const running = await server({ maxUnauthenticatedConnectionsPerAddress: 1, authTimeoutMs: 60_000 });
    expect(await connect(running.wsUrl, { params: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).toEqual({ kind: 'closed', code: 4401 });
  });
});

describe('auth off', () => {
  it('every upgrade is authenticated: bare upgrades use the authenticated slots, not the small budget', async () => {
    const running = await server({ maxConnectionsPerAddress: 3, maxUnauthenticatedConnectionsPerAddress: 1, authTimeoutMs: 60_000 }, false);
    for (let i = 0; i < 3; i++) expect(await bare(running.wsUrl)).toBe(101);
    expect(await bare(running.wsUrl)).toBe(429);
  });
});
