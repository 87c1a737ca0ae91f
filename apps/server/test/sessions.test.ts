/**
 * Signing out ends the session, not just the browser's copy of its cookie
 * (security/sessions.ts): a copy of the cookie is refused afterwards on every
 * route, a graphql-ws connection opened with it is closed, other sessions go
 * on, and a restart signs everyone out. Real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_REVOKED, SessionRevocations } from '../src/security/sessions.ts';
import { newSession, sessionValue } from '../src/security/session-cookie.ts';
import { closeAll, type Running, startServer } from './helpers/clients.ts';

const VIEWER = 'a4f09c1e77d2b35e8f6a0c91e2d4';
const OPERATOR = 'f3b1c7d9e2a4068b5c1d9e7f3a2b';
let running: Running;

beforeAll(async () => {
  running = await startServer({ auth: { viewerToken: VIEWER, operatorToken: OPERATOR }, cameras: [{ id: 'cam', source: 'synthetic:160x120@10' }] });
});
afterAll(closeAll);

/** Signs in; the `name=value` of the session cookie. */
async function signIn(token: string): Promise<string> {
  const response = await fetch(`${running.url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const signOut = (cookie: string) => fetch(`${running.url}/auth/session`, { method: 'DELETE', headers: { cookie } });

async function status(path: string, cookie: string): Promise<number> {
  const init: RequestInit = path === '/graphql'
    ? { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ cameras { id } }' }) }
    : { headers: { cookie } };
  const response = await fetch(`${running.url}${path}`, init);
  await response.body?.cancel();
  return response.status;
}

const ROUTES = ['/graphql', '/cameras/cam/snapshot.jpg', '/cameras/cam/stream.mjpeg'];

describe('sign-out', () => {
  it('revokes the session: a copy of its cookie is refused on every route afterwards', async () => {
    const cookie = await signIn(VIEWER);
    for (const path of ROUTES) expect(await status(path, cookie)).toBe(200);
    expect((await signOut(cookie)).headers.get('set-cookie')).toContain('Max-Age=0');
    for (const path of ROUTES) expect(await status(path, cookie)).toBe(401);
    const session = (await (await fetch(`${running.url}/auth/session`, { headers: { cookie } })).json()) as { role: string | null };
    expect(session.role).toBeNull();
  });

  it('leaves the other sessions of the same role signed in', async () => {
    const [mine, theirs] = [await signIn(OPERATOR), await signIn(OPERATOR)];
    await signOut(mine);
    expect(await status('/graphql', mine)).toBe(401);
    expect(await status('/graphql', theirs)).toBe(200);
  });

  it('closes the graphql-ws connections opened with the cookie (4401), and only those', async () => {
    const cookie = await signIn(VIEWER);
    const other = await signIn(VIEWER);
    const open = (withCookie: string) =>
      new Promise<{ ws: WebSocket; closed: Promise<number> }>((resolve, reject) => {
        const ws = new WebSocket(running.wsUrl, 'graphql-transport-ws', { headers: { cookie: withCookie } });
        const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
        ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
        ws.once('message', (data) => ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack' ? resolve({ ws, closed }) : reject(new Error(String(data)))));
        ws.once('error', reject);
      });
    const mine = await open(cookie);
    const theirs = await open(other);
    await signOut(cookie);
    expect(await mine.closed).toBe(4401);
    expect(theirs.ws.readyState).toBe(WebSocket.OPEN);
    theirs.ws.close();
    await theirs.closed;
  });

  it('does not count a signed-out cookie as a failed authentication (it is no guess)', async () => {
    const cookie = await signIn(VIEWER);
    await signOut(cookie);
    for (let i = 0; i < 40; i++) expect(await status('/cameras/cam/snapshot.jpg', cookie)).toBe(401);
    expect(await status('/graphql', await signIn(VIEWER))).toBe(200);
  });
});

describe('a restart', () => {
  it('signs everyone out: a genuine cookie issued before the process started is refused', async () => {
    const keys = running.server.app.security.auth.sessionKeys;
    const before = newSession('operator', Date.now() - 3_600_000);
    const cookie = `servercam_session=${sessionValue(keys, before)}`;
    expect(await status('/graphql', cookie)).toBe(401);
    // The same cookie issued now is accepted: only its age differs.
    expect(await status('/graphql', `servercam_session=${sessionValue(keys, newSession('operator'))}`)).toBe(200);
  });
});

describe('the revocation list', () => {
  it('forgets a revocation once its cookie has expired anyway', () => {
    const now = Date.now();
    const revocations = new SessionRevocations(now);
    const short = newSession('viewer', now, 60);
    revocations.revoke(short, now);
    expect(revocations.size).toBe(1);
    revocations.revoke(newSession('viewer', now), now + 61_000);
    expect(revocations.size).toBe(1); // the first one was pruned
  });

  it('adopts a well-formed sign-out from another gateway, and ignores malformed ones', () => {
    const now = Date.now();
    const revocations = new SessionRevocations(now - 1000);
    const session = newSession('viewer', now);
    for (const [id, expires] of [['short', session.expires], [session.id, 'soon'], [session.id, now / 1000 - 1], [session.id, session.expires + 30 * 86_400], [42, session.expires]] as const) {
      expect(revocations.adopt(id, expires, now)).toBe(false);
    }
    expect(revocations.isActive(session)).toBe(true);
    expect(revocations.adopt(session.id, session.expires, now)).toBe(true);
    expect(revocations.isActive(session)).toBe(false);
  });

  it('ends every session at once rather than forget one, past its bound', () => {
    const now = Date.now();
    const revocations = new SessionRevocations(now - 1000);
    for (let i = 0; i < MAX_REVOKED; i++) revocations.revoke(newSession('viewer', now), now);
    const survivor = newSession('viewer', now);
    expect(revocations.isActive(survivor)).toBe(true);
    revocations.revoke(newSession('viewer', now), now);
    expect(revocations.isActive(survivor)).toBe(false);
    expect(revocations.size).toBe(0);
  });
});
