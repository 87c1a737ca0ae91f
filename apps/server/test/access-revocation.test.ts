/**
 * A revoked or expired token, or a revoked share link, loses every live
 * stream (graphql-ws, SSE, MJPEG) and is refused afterwards, with the
 * session cookies made from it. The contract is "within 1 s"; the
 * close time is measured and recorded (artifacts/security-figures.json), and
 * the tests assert only that each stream closed after the revocation, within
 * a generous 5 s, so a loaded machine cannot fail them.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import process from 'node:process';
import { SERVER_CLI } from '@servercam/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SHARE_PATH } from '../src/access/share-links.ts';
import { ADMIN, type AccessWorld, accessWorld, get, gql, sseOpen, wsConnect } from './helpers/access.ts';
import { closeAll, mjpegParts, next } from './helpers/clients.ts';
import { recordFigures } from './helpers/figures.ts';

/** The generous bound of these tests (the contract is 1 s). */
const BOUND_MS = 5000;

let world: AccessWorld;
const closeTimes: Record<string, number> = {};
beforeAll(async () => {
  world = await accessWorld();
}, 60_000);
afterAll(async () => {
  await closeAll();
  if (Object.keys(closeTimes).length > 0) await recordFigures('revocation close times (ms, contract: 1000)', closeTimes);
});

async function newToken(extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const answer = await gql(world.running.url, ADMIN, 'mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { token { id } secret } }', {
    input: { label: 'revocation test', cameras: ['a'], capabilities: ['VIEW'], ...extra },
  });
  const created = answer.data?.['createAccessToken'] as { token: { id: string }; secret: string };
  return { id: created.token.id, secret: created.secret };
}

async function revoke(id: string): Promise<void> {
  const answer = await gql(world.running.url, ADMIN, 'mutation ($id: ID!) { revokeAccessToken(id: $id) { id } }', { id });
  expect(answer.data?.['revokeAccessToken']).toEqual({ id });
}

/** Resolves with the time `ended` took, or rejects past the bound. */
async function closedWithin(ended: Promise<unknown>, what: string, boundMs = BOUND_MS): Promise<number> {
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still open ${boundMs} ms after the revocation`)), boundMs);
  });
  try {
    await Promise.race([ended, late]);
  } finally {
    clearTimeout(timer);
  }
  return Math.round(performance.now() - start);
}

/** Live streams of `secret` on every transport, each past its first frame. */
async function openStreams(secret: string) {
  const { url, wsUrl } = world.running;
  const ws = wsConnect(wsUrl, secret);
  expect(await ws.acked).toBe(true);
  const frames = ws.client.iterate({ query: 'subscription { frames(cameraId: "a", maxWidth: 96) { seq } }' });
  await next(frames, 10_000, 'a graphql-ws frame');

  const sseAbort = new AbortController();
  const sse = await sseOpen(url, secret, 'subscription { frames(cameraId: "a", maxWidth: 96) { seq } }', {}, sseAbort.signal);
  expect(sse.response.status).toBe(200);
  const sseEvents = sse.events!;
  for (;;) if ((await next(sseEvents, 10_000, 'an SSE event')).event === 'next') break;
  // The body ends: the parser's iteration completes.
  const sseEnded = (async () => {
    for await (const _event of sseEvents) {
      // Frames until the end.
    }
  })();

  const mjpegAbort = new AbortController();
  const mjpeg = await get(`${url}/cameras/a/stream.mjpeg?maxWidth=96`, secret, { signal: mjpegAbort.signal });
  expect(mjpeg.status).toBe(200);
  const parts = mjpegParts(mjpeg);
  await next(parts, 10_000, 'an MJPEG part');
  const mjpegEnded = (async () => {
    for await (const _part of parts) {
      // Parts until the end.
    }
  })();
  return {
    wsClosed: ws.closed,
    sseEnded,
    mjpegEnded,
    dispose: async () => {
      sseAbort.abort();
      mjpegAbort.abort();
      await sseEnded.catch(() => {});
      await mjpegEnded.catch(() => {});
      await ws.client.dispose();
    },
  };
}

describe('revoking a token', () => {
  it('closes its graphql-ws (4401), SSE and MJPEG streams, then refuses it on every transport', async () => {
    const token = await newToken();
    const streams = await openStreams(token.secret);
    try {
      await revoke(token.id);
      const [ws, sse, mjpeg] = await Promise.all([
        closedWithin(streams.wsClosed, 'the graphql-ws connection'),
        closedWithin(streams.sseEnded, 'the SSE stream'),
        closedWithin(streams.mjpegEnded, 'the MJPEG stream'),
      ]);
      Object.assign(closeTimes, { graphqlWs: ws, sse, mjpeg });
      expect(await streams.wsClosed).toBe(4401);
    } finally {
      await streams.dispose();
    }
    expect((await get(`${world.running.url}/cameras/a/snapshot.jpg`, token.secret)).status).toBe(401);
    expect((await gql(world.running.url, token.secret, '{ cameras { id } }')).status).toBe(401);
    const again = wsConnect(world.running.wsUrl, token.secret);
    expect(await again.closed).toBe(4401);
  });

  it('closes an SSE subscription on Yoga\'s own path (cameraStatus) and a graphql-ws one opened with a session cookie', async () => {
    const token = await newToken();
    const abort = new AbortController();
    const sse = await sseOpen(world.running.url, token.secret, 'subscription { cameraStatus { id } }', {}, abort.signal);
    expect(sse.response.status).toBe(200);
    const ended = (async () => {
      for await (const _event of sse.events!) {
        // Until the end.
      }
    })();
    const signIn = await fetch(`${world.running.url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token.secret }) });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const socket = new WebSocket(world.running.wsUrl, 'graphql-transport-ws', { headers: { cookie } });
    const wsClosed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await once(socket, 'message');
    try {
      await revoke(token.id);
      closeTimes['sseYogaPath'] = await closedWithin(ended, 'the SSE cameraStatus stream');
      closeTimes['graphqlWsCookie'] = await closedWithin(wsClosed, 'the cookie\'s graphql-ws connection');
      expect(await wsClosed).toBe(4401);
    } finally {
      abort.abort();
      await ended.catch(() => {});
      socket.terminate();
    }
  });

  it('ends the session cookies made from it', async () => {
    const token = await newToken();
    const signIn = await fetch(`${world.running.url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token.secret }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const snapshot = (): Promise<Response> => fetch(`${world.running.url}/cameras/a/snapshot.jpg`, { headers: { cookie } });
    expect((await snapshot()).status).toBe(200);
    await revoke(token.id);
    expect((await snapshot()).status).toBe(401);
  });

  it('from another process (servercam token revoke on the same data directory) closes its streams too', async () => {
    const token = await newToken();
    const streams = await openStreams(token.secret);
    try {
      const child = spawn(process.execPath, [SERVER_CLI, 'token', 'revoke', token.id, '--data-dir', world.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      expect(code, output).toBe(0);
      const [ws, mjpeg] = await Promise.all([
        closedWithin(streams.wsClosed, 'the graphql-ws connection'),
        closedWithin(streams.mjpegEnded, 'the MJPEG stream'),
        closedWithin(streams.sseEnded, 'the SSE stream'),
      ]);
      Object.assign(closeTimes, { graphqlWsByCli: ws, mjpegByCli: mjpeg });
    } finally {
      await streams.dispose();
    }
  });
});

describe('an expiring token', () => {
  it('loses its streams at its expiry, and is refused after it', async () => {
    const expiresAt = Date.now() + 2000;
    const token = await newToken({ expiresAt: new Date(expiresAt).toISOString() });
    const streams = await openStreams(token.secret);
    try {
      // Open (each gave a frame) and not yet expired: else there would be nothing left to test, so fail rather than pass.
      expect(Date.now(), 'the streams opened within the token\'s 2 s life').toBeLessThan(expiresAt);
      await closedWithin(Promise.all([streams.wsClosed, streams.sseEnded, streams.mjpegEnded]), 'a stream of the expired token', expiresAt - Date.now() + BOUND_MS);
      // Each closed because of the expiry, not before it.
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
      expect(await streams.wsClosed).toBe(4401);
    } finally {
      await streams.dispose();
    }
    expect((await get(`${world.running.url}/cameras/a/snapshot.jpg`, token.secret)).status).toBe(401);
  });
});

describe('revoking a share link', () => {
  it('closes its MJPEG stream and refuses the link afterwards', async () => {
    const created = await gql(world.running.url, ADMIN, 'mutation ($input: CreateShareLinkInput!) { createShareLink(input: $input) { url link { id } } }', {
      input: { cameraId: 'a', label: 'door', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const { url: path, link } = created.data?.['createShareLink'] as { url: string; link: { id: string } };
    const secret = path.slice(SHARE_PATH.length);
    const abort = new AbortController();
    const mjpeg = await get(`${world.running.url}/cameras/a/stream.mjpeg?maxWidth=96`, secret, { signal: abort.signal });
    expect(mjpeg.status).toBe(200);
    const parts = mjpegParts(mjpeg);
    await next(parts, 10_000, 'an MJPEG part');
    const ended = (async () => {
      for await (const _part of parts) {
        // Until the end.
      }
    })();
    try {
      const revoked = await gql(world.running.url, ADMIN, 'mutation ($id: ID!) { revokeShareLink(id: $id) { id } }', { id: link.id });
      expect(revoked.data?.['revokeShareLink']).toEqual({ id: link.id });
      closeTimes['mjpegShareLink'] = await closedWithin(ended, 'the share link\'s MJPEG stream');
    } finally {
      abort.abort();
      await ended.catch(() => {});
    }
    expect((await get(`${world.running.url}/cameras/a/snapshot.jpg`, secret)).status).toBe(401);
  });
});
