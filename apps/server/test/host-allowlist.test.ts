/**
 * DNS rebinding: a page on an attacker's domain that resolves to 127.0.0.1
 * sends `Host: evil.example` with a matching `Origin`, which the origin
 * check alone lets through. Only loopback names and addresses, the bound
 * address and `allowedHosts` are served; anything else gets 421, over HTTP
 * and on the WebSocket upgrade, with auth on or off (security/host.ts).
 * Real sockets throughout; the capture node's /healthz against a real redis-server.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createServer, type Servercam, silentLogger } from '../src/index.ts';
import { CaptureServer } from '../src/roles/capture.ts';
import { closeAll, type Running, startServer } from './helpers/clients.ts';
import { send, upgrade } from './helpers/forged-http.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const OPERATOR = 'host-test-operator-token-0123456789';
const CAMERAS = [{ id: 'cam', source: 'synthetic:160x120@30' }];
const MUTATION = JSON.stringify({ query: 'mutation { updateStream(input: { paused: true }) { paused } }' });

afterAll(closeAll);

describe.each([
  ['auth off', false],
  ['auth on', true],
])('DNS rebinding, %s', (_name, authOn) => {
  let running: Running;
  let port: string;
  /** Credentials an attacker would not need with auth off; with auth on, even a valid token does not help a foreign Host. */
  const credentials: Record<string, string> = authOn ? { authorization: `Bearer ${OPERATOR}` } : {};

  beforeAll(async () => {
    running = await startServer({
      cameras: CAMERAS,
      auth: authOn ? { operatorToken: OPERATOR } : undefined,
      allowedHosts: ['cams.example.org', '.example.net', '192.0.2.44'],
    });
    port = new URL(running.url).port;
  });

  /** The headers of a page of `host` (its own Origin, as a rebound page sends). */
  const pageOf = (host: string): Record<string, string> => ({ host, origin: `http://${host}`, ...credentials });

  it('refuses a foreign Host with a matching Origin: 421 for a snapshot', async () => {
    const response = await send(`${running.url}/cameras/cam/snapshot.jpg`, { headers: pageOf(`evil.example:${port}`) });
    expect(response.status).toBe(421);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'FORBIDDEN_HOST' });
    expect(response.headers['content-type']).not.toMatch(/image/);
  });

  it('refuses a foreign Host with a matching Origin: 421 for a mutation, and nothing changes', async () => {
    const response = await send(`${running.url}/graphql`, {
      method: 'POST',
      headers: { ...pageOf(`evil.example:${port}`), 'content-type': 'application/json' },
      body: MUTATION,
    });
    expect(response.status).toBe(421);
    expect(running.server.stream.settings.paused).toBe(false);
  });

  it('refuses a foreign Host on every route (healthz, GraphiQL, the UI, sign-in)', async () => {
    for (const path of ['/healthz', '/graphql', '/', '/auth/session', '/events/1/snapshot.jpg']) {
      const response = await send(`${running.url}${path}`, { headers: { ...pageOf(`evil.example:${port}`), accept: 'text/html' } });
      expect(response.status, path).toBe(421);
    }
  });

  it('refuses the WebSocket upgrade of a foreign Host with a matching Origin: 421', async () => {
    const result = await upgrade(running.wsUrl, pageOf(`evil.example:${port}`));
    expect(result.status).toBe(421);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'FORBIDDEN_HOST' });
  });

  it('refuses a foreign Host on an upgrade to any path', async () => {
    expect((await upgrade(`${running.url}/`, pageOf(`evil.example:${port}`))).status).toBe(421);
  });

  it('serves loopback names and addresses, over HTTP and WebSocket', async () => {
    for (const name of ['localhost', 'app.localhost', 'localhost.', '127.0.0.1', '127.8.9.10', '[::1]']) {
      const host = `${name}:${port}`;
      const response = await send(`${running.url}/graphql`, {
        method: 'POST',
        headers: { ...pageOf(host), 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ stream { fps } }' }),
      });
      expect(response.status, host).toBe(200);
      const ws = await upgrade(running.wsUrl, pageOf(host));
      expect(ws.status, host).toBe(101);
      ws.socket?.destroy();
    }
  });

  it('serves allowedHosts: a name, a domain with its subdomains, an address', async () => {
    for (const host of ['cams.example.org', 'CAMS.example.org:443', 'example.net', 'a.b.example.net', '192.0.2.44']) {
      expect((await send(`${running.url}/healthz`, { headers: pageOf(host) })).status, host).toBe(200);
      const ws = await upgrade(running.wsUrl, pageOf(host));
      expect(ws.status, host).toBe(101);
      ws.socket?.destroy();
    }
  });

  it('refuses names that only look like allowed ones, other addresses, and malformed Hosts', async () => {
    const hosts = [
      'evilexample.net',
      'example.net.evil.example',
      'www.cams.example.org',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      '192.0.2.45',
      '0.0.0.0',
      '[::2]',
      `${'a'.repeat(300)}.localhost`,
      'localhost:notaport',
      'local host',
      '[::1',
      'localhost@evil.example',
    ];
    for (const host of hosts) {
      expect((await send(`${running.url}/healthz`, { headers: pageOf(host) })).status, host).toBe(421);
      expect((await upgrade(running.wsUrl, pageOf(host))).status, host).toBe(421);
    }
  });
});

/** A server listening on `host` (not loopback: tokens required), closed by closeAll. */
async function listenOn(host: string): Promise<{ server: Servercam; port: number }> {
  const server = createServer({ logger: silentLogger(), uiDir: false, cameras: CAMERAS, auth: { operatorToken: OPERATOR }, host, port: 0 });
  onTestFinished(() => server.close());
  const { port } = await server.listen();
  return { server, port };
}

describe('the bound address', () => {
  it('bound to 0.0.0.0: every address is served (an address cannot be rebound), names are not', async () => {
    const { port } = await listenOn('0.0.0.0');
    const url = `http://127.0.0.1:${port}`;
    for (const host of ['192.0.2.55', '203.0.113.7:8080', '10.1.2.3', 'localhost']) {
      expect((await send(`${url}/healthz`, { headers: { host } })).status, host).toBe(200);
      const ws = await upgrade(`${url}/graphql`, { host });
      expect(ws.status, host).toBe(101);
      ws.socket?.destroy();
    }
    for (const host of ['evil.example', 'mypc.lan', '0.0.0.0']) {
      expect((await send(`${url}/healthz`, { headers: { host } })).status, host).toBe(421);
      expect((await upgrade(`${url}/graphql`, { host })).status, host).toBe(421);
    }
  });

  it('bound to 127.0.0.1: another address is refused', async () => {
    const running = await startServer({ cameras: CAMERAS });
    expect((await send(`${running.url}/healthz`, { headers: { host: '192.0.2.55' } })).status).toBe(421);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((info) => info && info.family === 'IPv4' && !info.internal)?.address;

  it.skipIf(external === undefined)(`bound to this machine's address (${external ?? 'none found'}): that address is served, others are not`, async () => {
    const { port } = await listenOn(external!);
    const url = `http://${external}:${port}`;
    expect((await send(`${url}/healthz`)).status).toBe(200);
    const ws = await upgrade(`${url}/graphql`);
    expect(ws.status).toBe(101);
    ws.socket?.destroy();
    expect((await send(`${url}/healthz`, { headers: { host: `203.0.113.9:${port}` } })).status).toBe(421);
    expect((await send(`${url}/healthz`, { headers: { host: `evil.example:${port}` } })).status).toBe(421);
  });
});

describe.skipIf(!hasRedis)('the capture node', () => {
  let redis: RedisProcess;
  let capture: CaptureServer;
  let url: string;

  beforeAll(async () => {
    redis = await startRedis();
    capture = new CaptureServer({ redisUrl: redis.url, cameras: CAMERAS, isolation: 'worker', port: 0, logger: silentLogger(), allowedHosts: ['capture.internal'] });
    url = (await capture.listen()).url;
  });

  afterAll(async () => {
    await capture?.close();
    await redis?.stop();
  });

  it('refuses /healthz to a foreign Host with 421', async () => {
    const response = await send(`${url}/healthz`, { headers: { host: 'evil.example', origin: 'http://evil.example' } });
    expect(response.status).toBe(421);
    expect(response.body).not.toContain('"cameras"');
  });

  it('answers /healthz to loopback and allowedHosts', async () => {
    for (const host of ['127.0.0.1', 'localhost', 'capture.internal']) {
      const response = await send(`${url}/healthz`, { headers: { host } });
      expect(response.status, host).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ role: 'capture' });
    }
  });
});
