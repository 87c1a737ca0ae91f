/**
 * Failed authentications are limited per client address on every transport
 * (security/failed-auth.ts): wrong Bearer tokens on HTTP routes and the
 * WebSocket upgrade, wrong graphql-ws connectionParams, wrong sign-in
 * tokens, forged cookies. Past the budget an address is refused even with the
 * right token (429 RATE_LIMITED, graphql-ws 4429); other addresses are not.
 * Real sockets; clients bind their own loopback address (127.0.0.x) to be
 * distinct callers.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FailedAuthLimiter } from '../src/security/failed-auth.ts';
import { closeAll, type Running, startServer } from './helpers/clients.ts';

const VIEWER = 'a4f09c1e77d2b35e8f6a0c91e2d4';
const OPERATOR = 'f3b1c7d9e2a4068b5c1d9e7f3a2b';
const WRONG = 'e9d8c7b6a5f4031928a7b6c5d4e3';
const BUDGET = 5;

afterEach(closeAll);

function start(): Promise<Running> {
  return startServer({
    auth: { viewerToken: VIEWER, operatorToken: OPERATOR },
    limits: { failedAuthPerMinute: BUDGET },
    cameras: [{ id: 'cam', source: 'synthetic:160x120@10' }],
  });
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request from `from` (a loopback address of this machine); the body is read unless it is a stream. */
function call(running: Running, path: string, options: { from?: string | undefined; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const url = new URL(path, running.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers: options.headers, localAddress: options.from ?? '127.0.0.1' },
      (res) => {
        if (res.headers['content-type']?.startsWith('multipart/')) {
          res.destroy();
          resolve({ status: res.statusCode!, headers: res.headers, body: '' });
          return;
        }
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const QUERY = JSON.stringify({ query: '{ cameras { id } }' });
const graphql = (running: Running, token: string, from?: string) =>
  call(running, '/graphql', { from, method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: QUERY });

/** A raw graphql-ws connection from `from`: 'ack' or the close code. */
function connect(running: Running, params: Record<string, unknown> | undefined, options: { from?: string | undefined; headers?: Record<string, string> } = {}): Promise<string | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(running.wsUrl, 'graphql-transport-ws', { localAddress: options.from ?? '127.0.0.1', headers: options.headers });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', ...(params ? { payload: params } : {}) })));
    ws.once('message', (data) => {
      resolve((JSON.parse(String(data)) as { type: string }).type === 'connection_ack' ? 'ack' : String(data));
      ws.close();
    });
    ws.once('close', (code) => resolve(code));
    ws.once('error', () => {});
  });
}

async function exhaust(running: Running, from?: string): Promise<void> {
  for (let i = 0; i < BUDGET; i++) expect((await graphql(running, WRONG, from)).status).toBe(401);
}

describe('the failed-auth budget', () => {
  it('refuses an address past it with 429 RATE_LIMITED and Retry-After, even with the right token', async () => {
    const running = await start();
    await exhaust(running);
    const refused = await graphql(running, VIEWER);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((JSON.parse(refused.body) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(refused.body).not.toContain(VIEWER);
  });

  it('is per address: another address keeps its access', async () => {
    const running = await start();
    await exhaust(running, '127.0.0.2');
    expect((await graphql(running, VIEWER, '127.0.0.2')).status).toBe(429);
    expect((await graphql(running, VIEWER, '127.0.0.3')).status).toBe(200);
  });

  it('does not count requests that bring no credentials', async () => {
    const running = await start();
    for (let i = 0; i < BUDGET * 3; i++) expect((await call(running, '/cameras/cam/snapshot.jpg')).status).toBe(401);
    expect((await graphql(running, VIEWER)).status).toBe(200);
  });

  it.each([
    ['snapshots', 401, (running: Running) => call(running, '/cameras/cam/snapshot.jpg', { headers: bearer(WRONG) })],
    ['MJPEG', 401, (running: Running) => call(running, '/cameras/cam/stream.mjpeg', { headers: bearer(WRONG) })],
    ['event files', 401, (running: Running) => call(running, '/events/1/snapshot.jpg', { headers: bearer(WRONG) })],
    // /healthz answers everyone whether the server is up; the wrong token still counts.
    ['/healthz', 200, (running: Running) => call(running, '/healthz', { headers: bearer(WRONG) })],
    ['sign-in', 401, (running: Running) => call(running, '/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: WRONG }) })],
    ['forged session cookies', 401, (running: Running) => graphqlWithCookie(running, `servercam_session=v2.operator.1.99999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAA`)],
  ])('counts wrong credentials on %s, then refuses the right token there too', async (_name, status, wrong) => {
    const running = await start();
    for (let i = 0; i < BUDGET; i++) expect((await wrong(running)).status).toBe(status);
    expect((await call(running, '/cameras/cam/snapshot.jpg', { headers: bearer(VIEWER) })).status).toBe(429);
    const signIn = await call(running, '/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: VIEWER }) });
    expect(signIn.status).toBe(429);
    expect(signIn.headers['set-cookie']).toBeUndefined();
  });

  it('counts wrong graphql-ws connectionParams, then closes even a right one with 4429', async () => {
    const running = await start();
    for (let i = 0; i < BUDGET; i++) expect(await connect(running, { authorization: `Bearer ${WRONG}` })).toBe(4401);
    expect(await connect(running, { authorization: `Bearer ${VIEWER}` })).toBe(4429);
    expect((await graphql(running, VIEWER)).status).toBe(429);
  });

  it('counts a wrong Bearer token on the WebSocket upgrade', async () => {
    const running = await start();
    // The upgrade counts the failure before connection_init checks the budget: the last wrong one may already see 4429.
    for (let i = 0; i < BUDGET; i++) expect([4401, 4429]).toContain(await connect(running, undefined, { headers: bearer(WRONG) }));
    expect(await connect(running, undefined, { headers: bearer(VIEWER) })).toBe(4429);
  });

  it('comes back once one failure\'s worth has refilled (Retry-After)', () => {
    const limiter = new FailedAuthLimiter(30);
    const now = 1_000_000;
    for (let i = 0; i < 30; i++) {
      expect(limiter.retryAfterS('a', now)).toBe(0);
      limiter.fail('a', now);
    }
    const wait = limiter.retryAfterS('a', now);
    expect(wait).toBe(2); // 30 a minute: one every 2 s
    expect(limiter.retryAfterS('b', now)).toBe(0);
    expect(limiter.retryAfterS('a', now + wait * 1000)).toBe(0);
  });
});

function graphqlWithCookie(running: Running, cookie: string): Promise<Answer> {
  return call(running, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: QUERY });
}
