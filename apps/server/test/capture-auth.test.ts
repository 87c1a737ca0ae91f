/**
 * The capture node's HTTP port: the same exposure rule as serve (no
 * non-loopback bind without a token), and its tokens enforced on /healthz
 * (detail only for a caller with a token), on real sockets and as the real
 * `servercam capture` process.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureServer } from '../src/roles/capture.ts';
import { silentLogger } from '../src/index.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';
import { type CliProcess, freePort, SERVER_CLI as cli, startCli } from '@servercam/testing';

const VIEWER = randomBytes(24).toString('hex');
const OPERATOR = randomBytes(24).toString('hex');


async function healthz(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/healthz`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('capture node: a non-loopback bind without a token is refused', () => {
  it('CaptureServer.listen refuses 0.0.0.0 without tokens, before listening', async () => {
    const server = new CaptureServer({ redisUrl: 'redis://127.0.0.1:1', host: '0.0.0.0', port: 0, isolation: 'worker', logger: silentLogger() });
    try {
      await expect(server.listen()).rejects.toMatchObject({ code: 'INSECURE_EXPOSURE' });
    } finally {
      await server.close();
    }
  });

  it('servercam capture --host 0.0.0.0 without tokens exits with code 2', () => {
    const env = { ...process.env, SERVERCAM_VIEWER_TOKEN: '', SERVERCAM_OPERATOR_TOKEN: '' };
    const result = spawnSync(process.execPath, [cli, 'capture', '--redis', 'redis://127.0.0.1:1', '--host', '0.0.0.0'], { encoding: 'utf8', env });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without authentication/);
  });
});

(hasRedis ? describe : describe.skip)('capture node: its tokens are enforced', () => {
  let redis: RedisProcess;
  let server: CaptureServer;
  let url: string;
  beforeAll(async () => {
    redis = await startRedis();
    server = new CaptureServer({
      redisUrl: redis.url, cameras: [{ id: 'a', source: 'synthetic:160x120' }], isolation: 'worker', port: 0,
      auth: { viewerToken: VIEWER, operatorToken: OPERATOR }, logger: silentLogger(),
    });
    url = (await server.listen()).url;
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('/healthz without a token tells the status only', async () => {
    const { status, body } = await healthz(url);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['status']);
  });

  it('/healthz with a wrong token tells the status only', async () => {
    const { body } = await healthz(url, randomBytes(24).toString('hex'));
    expect(Object.keys(body)).toEqual(['status']);
  });

  it('/healthz with the viewer or the operator token tells the detail', async () => {
    for (const token of [VIEWER, OPERATOR]) {
      const { body } = await healthz(url, token);
      expect(body).toMatchObject({ role: 'capture', cameras: [{ id: 'a' }] });
      expect(body['bus']).toHaveProperty('redis');
    }
  });
});

(hasRedis ? describe : describe.skip)('servercam capture --host 0.0.0.0 with tokens (the real process)', () => {
  let redis: RedisProcess;
  let child: CliProcess | undefined;
  afterAll(async () => {
    await child?.stop('SIGKILL');
    await redis?.stop();
  });

  it('listens, and answers /healthz in detail only to a caller with a token', async () => {
    redis = await startRedis();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = await startCli(['capture', '--redis', redis.url, '--host', '0.0.0.0', '--port', String(port), '--camera', 'a=synthetic:160x120', '--isolation', 'worker', '--log-level', 'warn'], base, {
      env: { SERVERCAM_VIEWER_TOKEN: VIEWER, SERVERCAM_OPERATOR_TOKEN: OPERATOR },
      ready: (status) => status === 200,
    });
    expect(Object.keys((await healthz(base)).body)).toEqual(['status']);
    expect((await healthz(base, VIEWER)).body).toMatchObject({ role: 'capture', cameras: [{ id: 'a' }] });
  });
});
