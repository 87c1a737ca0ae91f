/**
 * Auth through the real transports: tokens as `Authorization: Bearer` over
 * HTTP, `connectionParams.authorization` over graphql-ws, the UI's session
 * cookie for MJPEG, snapshots and GraphQL; roles (a viewer's mutation is
 * FORBIDDEN); no exemption for loopback callers.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeAll, type Running, startServer } from './helpers/clients.ts';

const VIEWER = 'viewer-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';
let running: Running;

beforeAll(async () => {
  running = await startServer({ auth: { viewerToken: VIEWER, operatorToken: OPERATOR }, cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }] });
});
afterAll(closeAll);

const QUERY = '{ cameras { id status } }';
const MUTATION = 'mutation { updateStream(input: { quality: 55 }) { quality } }';

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${running.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('HTTP', () => {
  it('answers 401 UNAUTHENTICATED without a credential, even from loopback', async () => {
    const response = await post({ query: QUERY });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 for a wrong token, and never echoes it', async () => {
    const response = await post({ query: QUERY }, bearer('wrong-token-0123456789abcdef'));
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('wrong-token');
  });

  it('lets a viewer query', async () => {
    const response = await post({ query: QUERY }, bearer(VIEWER));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { cameras: unknown[] } }).data.cameras).toHaveLength(1);
  });

  it('refuses a viewer\'s mutation with FORBIDDEN and changes nothing', async () => {
    const before = running.server.stream.settings.quality;
    const response = await post({ query: MUTATION }, bearer(VIEWER));
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(response.status).toBe(403);
    expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(running.server.stream.settings.quality).toBe(before);
  });

  it('lets an operator mutate', async () => {
    const response = await post({ query: MUTATION }, bearer(OPERATOR));
    expect(((await response.json()) as { data: { updateStream: { quality: number } } }).data.updateStream.quality).toBe(55);
  });

  it('answers 401 for MJPEG and snapshots without a credential, and serves them with one', async () => {
    for (const path of ['/cameras/cam/stream.mjpeg', '/cameras/cam/snapshot.jpg']) {
      const refused = await fetch(`${running.url}${path}`);
      expect(refused.status).toBe(401);
      await refused.body?.cancel();
    }
    const snapshot = await fetch(`${running.url}/cameras/cam/snapshot.jpg`, { headers: bearer(VIEWER) });
    expect(snapshot.status).toBe(200);
    expect(snapshot.headers.get('content-type')).toBe('image/jpeg');
    await snapshot.body?.cancel();
  });

  it('answers 401 over SSE without a credential', async () => {
    const response = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { streamSettings { fps } }' }),
    });
    expect(response.status).toBe(401);
    await response.body?.cancel();
  });

  it('tells /healthz callers without a credential only whether the server is up', async () => {
    const anonymous = (await (await fetch(`${running.url}/healthz`)).json()) as Record<string, unknown>;
    expect(Object.keys(anonymous)).toEqual(['status']);
    const full = (await (await fetch(`${running.url}/healthz`, { headers: bearer(VIEWER) })).json()) as Record<string, unknown>;
    expect(full['cameras']).toHaveLength(1);
  });

  it('sends a browser opening GraphiQL without a session to the sign-in page', async () => {
    const response = await fetch(`${running.url}/graphql`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/sign-in?next=%2Fgraphql');
  });
});

describe('session cookie', () => {
  async function signIn(token: string): Promise<Response> {
    return fetch(`${running.url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  }

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const response = await signIn('not-the-token-0123456789');
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('sets an HttpOnly, SameSite=Strict cookie that does not hold the token', async () => {
    const response = await signIn(VIEWER);
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^servercam_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain(VIEWER);
  });

  it('authorizes MJPEG, snapshots, GraphQL and the graphql-ws upgrade with the cookie, with the role of its token', async () => {
    const cookie = (await signIn(VIEWER)).headers.get('set-cookie')!.split(';')[0]!;
    const mjpeg = await fetch(`${running.url}/cameras/cam/stream.mjpeg`, { headers: { cookie } });
    expect(mjpeg.status).toBe(200);
    await mjpeg.body?.cancel();
    expect((await post({ query: QUERY }, { cookie })).status).toBe(200);
    const mutation = (await (await post({ query: MUTATION }, { cookie })).json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(mutation.errors[0]!.extensions.code).toBe('FORBIDDEN');
    // graphql-ws with the cookie on the upgrade and no connectionParams.
    const client = createClient({
      url: running.wsUrl,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols: string[]) {
          super(url, protocols, { headers: { cookie } });
        }
      },
    });
    try {
      const result = await client.iterate({ query: QUERY }).next();
      expect((result.value as { data: { cameras: unknown[] } }).data.cameras).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a forged or tampered cookie', async () => {
    const cookie = (await signIn(VIEWER)).headers.get('set-cookie')!.split(';')[0]!;
    const forged = cookie.replace('.viewer.', '.operator.');
    expect((await post({ query: QUERY }, { cookie: forged })).status).toBe(401);
    expect((await post({ query: QUERY }, { cookie: 'servercam_session=v1.operator.99999999999.AAAA' })).status).toBe(401);
  });

  it('reports the session and signs out', async () => {
    const cookie = (await signIn(OPERATOR)).headers.get('set-cookie')!.split(';')[0]!;
    const status = (await (await fetch(`${running.url}/auth/session`, { headers: { cookie } })).json()) as { authRequired: boolean; role: string };
    // The operator token: every camera, view, events and control (access/principal.ts).
    expect(status).toEqual({ authRequired: true, role: 'operator', capabilities: ['VIEW', 'EVENTS', 'CONTROL'], cameras: ['*'], shareLink: false, expiresAt: null });
    const out = await fetch(`${running.url}/auth/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
  });
});

describe('graphql-ws', () => {
  /** Opens a raw graphql-ws connection with `params`; resolves 'ack' or the close code. */
  function connect(params: Record<string, unknown> | undefined): Promise<string | number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(running.wsUrl, 'graphql-transport-ws');
      ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', ...(params ? { payload: params } : {}) })));
      ws.once('message', (data) => {
        resolve((JSON.parse(String(data)) as { type: string }).type === 'connection_ack' ? 'ack' : String(data));
        ws.close();
      });
      ws.once('close', (code) => resolve(code));
    });
  }

  it('closes a connection without credentials with 4401', async () => {
    expect(await connect(undefined)).toBe(4401);
  });

  it('closes a connection with a wrong token with 4401', async () => {
    expect(await connect({ authorization: 'Bearer not-the-token-0123456789' })).toBe(4401);
    expect(await connect({ authorization: VIEWER })).toBe(4401); // no "Bearer "
  });

  it('acknowledges a connection with a valid token', async () => {
    expect(await connect({ authorization: `Bearer ${VIEWER}` })).toBe('ack');
  });

  it('refuses a viewer\'s mutation with FORBIDDEN, allows its subscription, and allows an operator\'s mutation', async () => {
    const viewer = createClient({ url: running.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${VIEWER}` } });
    const operator = createClient({ url: running.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${OPERATOR}` } });
    try {
      const refused = (await viewer.iterate({ query: MUTATION }).next()).value as { errors: Array<{ extensions: { code: string } }> };
      expect(refused.errors[0]!.extensions.code).toBe('FORBIDDEN');
      const frames = viewer.iterate({ query: 'subscription { frames(maxWidth: 64) { seq } }' });
      expect(((await frames.next()).value as { data: { frames: { seq: number } } }).data.frames.seq).toBeGreaterThan(0);
      await frames.return?.();
      const done = (await operator.iterate({ query: 'mutation { updateStream(input: { quality: 60 }) { quality } }' }).next()).value as {
        data: { updateStream: { quality: number } };
      };
      expect(done.data.updateStream.quality).toBe(60);
    } finally {
      await viewer.dispose();
      await operator.dispose();
    }
  });
});
