/**
 * No secret of a camera source or of the Redis URL reaches anyone: not
 * `cameras { error { message } }`, the snapshot's 503 body, `/healthz` (serve,
 * gateway, capture node), nor the logs. Real processes and sockets; the
 * credentials are in the URL (userinfo with @ in the password, query
 * parameters) and in a camera's `credentials` (from an env variable).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { CaptureServer } from '../src/roles/capture.ts';
import { createGateway } from '../src/roles/gateway.ts';
import { httpRequest, until } from './helpers/clients.ts';
import { tempDir } from './helpers/media.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';
import { type CliProcess, freePort, spawnCli } from '@servercam/testing';

const SECRETS = ['hunter2', 'p@ss', 'ss@127', 'tok-123456', 'yard-s3cret-pw', 'admin:'];
const CAMERAS_QUERY = '{ cameras { id status error { message } } }';

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text, `${where} shows "${secret}"`).not.toContain(secret);
}


/** A logger as the CLI makes it (createLogger), writing its lines into `lines`. */
function capturedLogger(lines: string[]): ReturnType<typeof createLogger> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return createLogger({ level: 'debug', pretty: false, destination: sink });
}

describe('serve (the real process): credentialed sources', () => {
  let child: CliProcess | undefined;
  const stdout = (): string => child?.output() ?? '';
  let base = '';
  beforeAll(async () => {
    const config = join(tempDir, `redaction-${process.pid}.json`);
    writeFileSync(config, JSON.stringify({
      cameras: [
        { id: 'door', source: 'rtsp://admin:p@ss@127.0.0.1:9/live?user=admin&password=hunter2&token=tok-123456' },
        { id: 'yard', source: 'http://127.0.0.1:9/video', credentials: { username: 'admin', passwordEnv: 'YARD_PASSWORD' } },
        { id: 'ok', source: 'synthetic:160x120' },
      ],
    }));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawnCli(['serve', '--config', config, '--port', String(port), '--isolation', 'worker', '--ui-dir', tempDir, '--log-level', 'debug'], {
      env: { YARD_PASSWORD: 'yard-s3cret-pw', SERVERCAM_VIEWER_TOKEN: '', SERVERCAM_OPERATOR_TOKEN: '' },
    });
    await until(async () => {
      const body = await fetch(`${base}/healthz`).then((r) => r.json() as Promise<{ cameras: Array<{ id: string; status: string }> }>, () => undefined);
      return body?.cameras.filter((camera) => camera.status === 'ERROR').length === 2;
    }, 'door and yard to fail', 30_000);
  });
  afterAll(async () => {
    await child?.stop('SIGKILL');
  });

  it('cameras { error { message } } names the source with its credentials masked', async () => {
    const result = await httpRequest<{ cameras: Array<{ id: string; error: { message: string } | null }> }>(base, CAMERAS_QUERY);
    const door = result.data!.cameras.find((camera) => camera.id === 'door')!;
    expect(door.error!.message).toContain('rtsp://***@127.0.0.1:9/live?user=admin&password=***&token=***');
    expectNoSecret(JSON.stringify(result), 'GraphQL');
  });

  it('the snapshot\'s 503 body', async () => {
    const response = await fetch(`${base}/cameras/door/snapshot.jpg`);
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toContain('***');
    expectNoSecret(body, 'the 503 body');
  });

  it('/healthz', async () => {
    expectNoSecret(await (await fetch(`${base}/healthz`)).text(), '/healthz');
  });

  it('the logs (banner, camera failures)', async () => {
    await until(() => stdout().includes('"camera":"door"'), 'the failure of door in the logs');
    expect(stdout()).toContain('rtsp://***@127.0.0.1:9/live');
    expectNoSecret(stdout(), 'the logs');
  });
});

(hasRedis ? describe : describe.skip)('gateway and capture node: the Redis URL and messages from the bus', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a camera error with credentials from a capture node is masked in GraphQL, the 503 body, /healthz and the logs', async () => {
    const state = {
      type: 'state', node: 'old-node', at: Date.now(),
      settings: { paused: false, fps: 10, quality: 80, activeCameraId: 'door' },
      cameras: [{
        id: 'door', label: 'Door', status: 'error', measuredFps: 0, consumers: 0, motion: false,
        error: { code: 'CANNOT_OPEN_CAMERA', message: 'Cannot open camera "door" (rtsp://admin:p@ss@127.0.0.1/live?password=hunter2): refused', at: Date.now() },
      }],
    };
    // Kept in the state key, as a capture node does: the gateway reads it at start (a PUBLISH could come before its SUBSCRIBE).
    const stored = spawnSync('/usr/bin/redis-cli', ['-p', String(redis.port), '-x', 'SET', 'leaky:state'], { input: JSON.stringify(state), encoding: 'utf8' });
    expect(stored.status).toBe(0);
    const lines: string[] = [];
    const gateway = createGateway({ redisUrl: redis.url, redisPrefix: 'leaky', host: '127.0.0.1', port: 0, uiDir: false, captureTimeoutMs: 60_000, logger: capturedLogger(lines) });
    try {
      const { url } = await gateway.listen();
      const result = await until(async () => {
        const answer = await httpRequest<{ cameras: Array<{ error: { message: string } | null }> }>(url, CAMERAS_QUERY);
        return answer.data?.cameras[0]?.error ? answer : undefined;
      }, 'the camera error on the gateway');
      expect(result.data!.cameras[0]!.error!.message).toContain('rtsp://***@127.0.0.1/live?password=***');
      expectNoSecret(JSON.stringify(result), 'GraphQL');
      expectNoSecret(await (await fetch(`${url}/cameras/door/snapshot.jpg`)).text(), 'the 503 body');
      expectNoSecret(await (await fetch(`${url}/healthz`)).text(), '/healthz');
      await until(() => lines.some((line) => line.includes('Cannot open camera')), 'the camera failure in the logs');
      expectNoSecret(lines.join(''), 'the logs');
    } finally {
      await gateway.close();
    }
  });

  it('a Redis URL with a password (userinfo and query) is masked in /healthz and the logs of a gateway and a capture node', async () => {
    const port = await freePort();
    const redisUrl = `redis://admin:hunter2@127.0.0.1:${port}/0?password=hunter2`;
    const lines: string[] = [];
    const gateway = createGateway({ redisUrl, host: '127.0.0.1', port: 0, uiDir: false, captureTimeoutMs: 200, logger: capturedLogger(lines) });
    const capture = new CaptureServer({ redisUrl, cameras: [{ id: 'a', source: 'synthetic:64x48' }], isolation: 'worker', port: 0, logger: capturedLogger(lines) });
    try {
      const [{ url: gatewayUrl }, { url: captureUrl }] = await Promise.all([gateway.listen(), capture.listen()]);
      for (const url of [gatewayUrl, captureUrl]) {
        const health = await (await fetch(`${url}/healthz`)).json() as { bus: { redis: { url: string } } };
        expect(health.bus.redis.url).toBe(`redis://***@127.0.0.1:${port}/0?password=***`);
        expectNoSecret(JSON.stringify(health), '/healthz');
      }
      await until(() => lines.some((line) => line.includes('ECONNREFUSED')), 'a Redis connection failure in the logs');
      expect(lines.join('')).toContain(`redis://***@127.0.0.1:${port}`);
      expectNoSecret(lines.join(''), 'the logs');
    } finally {
      await Promise.all([gateway.close(), capture.close()]);
    }
  });
});

describe('the logger', () => {
  it('masks URL credentials in any field, an error\'s message and stack, fields named like secrets, and the given secrets', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ pretty: false, destination: sink, secrets: ['tok-123456', 'q"uo\\te'] });
    logger.warn({ err: new Error('cannot open rtsp://admin:p@ss@127.0.0.1/live?password=hunter2'), source: 'http://u:hunter2@h/x' }, 'open http://h/x?token=tok-123456 failed');
    logger.info({ credentials: { username: 'u', password: 'hunter2' }, auth: { viewerToken: 'tok-123456' } }, 'config read, token tok-123456');
    logger.info('a password with a quote and a backslash: q"uo\\te');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('backslash: ***"');
    for (const line of lines) JSON.parse(line);
    expect(lines[0]).toContain('rtsp://***@127.0.0.1/live?password=***');
    expectNoSecret(lines.join(''), 'the log lines');
  });
});
