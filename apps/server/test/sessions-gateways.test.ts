/**
 * Behind several gateways, a sign-out on one is a sign-out on all: the
 * gateways share revocations through a real redis-server
 * (bus/redis-sessions.ts), and survive malformed messages on that channel
 * (published with the real redis-cli).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createGateway } from '../src/roles/gateway.ts';
import { type Servercam, silentLogger } from '../src/index.ts';
import { until } from './helpers/clients.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

const VIEWER = 'a4f09c1e77d2b35e8f6a0c91e2d4';
const OPERATOR = 'f3b1c7d9e2a4068b5c1d9e7f3a2b';

describe.skipIf(!hasRedis)('sign-out across gateways', () => {
  let redis: RedisProcess;
  const gateways: Array<{ server: Servercam; url: string }> = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) {
      const server = createGateway({ redisUrl: redis.url, host: '127.0.0.1', port: 0, uiDir: false, logger: silentLogger(), auth: { viewerToken: VIEWER, operatorToken: OPERATOR } });
      gateways.push({ server, url: (await server.listen()).url });
    }
  });
  afterAll(async () => {
    await Promise.all(gateways.map(({ server }) => server.close()));
    await redis?.stop();
  });

  async function signIn(url: string): Promise<string> {
    const response = await fetch(`${url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: VIEWER }) });
    expect(response.status).toBe(200);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  }
  const roleAt = async (url: string, cookie: string): Promise<string | null> =>
    ((await (await fetch(`${url}/auth/session`, { headers: { cookie } })).json()) as { role: string | null }).role;

  it('refuses on every gateway a cookie signed out on one, and closes its WebSockets there', async () => {
    const [a, b] = [gateways[0]!, gateways[1]!];
    const cookie = await signIn(a.url);
    expect(await roleAt(b.url, cookie)).toBe('viewer');
    const ws = new WebSocket(`${b.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: { cookie } });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
      ws.once('message', (data) => ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack' ? resolve() : reject(new Error(String(data)))));
    });
    await fetch(`${a.url}/auth/session`, { method: 'DELETE', headers: { cookie } });
    expect(await roleAt(a.url, cookie)).toBeNull();
    await until(async () => (await roleAt(b.url, cookie)) === null, 'gateway B to learn of the sign-out');
    expect(await closed).toBe(4401);
  });

  it('ignores malformed messages on the sessions channel and goes on', async () => {
    const [a, b] = [gateways[0]!, gateways[1]!];
    const cookie = await signIn(a.url);
    for (const garbage of ['not json', 'null', '[]', '{"type":"revoke"}', '{"type":"revoke","id":"x","expires":1}', `{"type":"revoke","id":"${'A'.repeat(22)}","expires":"soon"}`, '{"type":"state","cameras":{}}']) {
      execFileSync('redis-cli', ['-p', String(redis.port), 'PUBLISH', 'servercam:sessions', garbage]);
    }
    expect(await roleAt(b.url, cookie)).toBe('viewer');
    await fetch(`${a.url}/auth/session`, { method: 'DELETE', headers: { cookie } });
    await until(async () => (await roleAt(b.url, cookie)) === null, 'gateway B to learn of the sign-out after the garbage');
  });
});
